import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Work nobody is waiting for — the job queue, start-up's warm-up and sweeps, a page's streamed summaries —
 * and everything it starts. The embedded store (PGlite) answers through promises alone, so a chain of its
 * queries holds the event loop until the chain ends; for background work it lets the loop turn before each
 * query (lib/db/client.ts), so a page or a health check that arrives meanwhile waits for one query, not for
 * the whole chain. Requests themselves are never background: their own chains run without yielding.
 *
 * One per process on globalThis: instrumentation's bundle and the pages' load separate copies of this module.
 */
const state = globalThis as unknown as { __cairnBackground?: AsyncLocalStorage<true> };
const background = (state.__cairnBackground ??= new AsyncLocalStorage<true>());

/** Runs `fn` (and whatever it starts: timers, promises, pollers) as background work. */
export function inBackground<T>(fn: () => T): T {
  return background.run(true, fn);
}

/** Whether the caller is background work. */
export function isBackground(): boolean {
  return background.getStore() === true;
}

/** Resolves after the event loop's next poll for I/O (setImmediate): new connections and requests are taken first. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
