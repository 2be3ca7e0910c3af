import "server-only";

/**
 * Resolves on a later turn of the event loop. The embedded store (PGlite) answers through promises
 * alone, so a server component's chain of store queries holds the loop until it ends; a streamed
 * summary that starts with this lets the page's shell and main content be sent first, and other
 * requests (the page's own scripts, /api/health) be answered, before it does its work.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
