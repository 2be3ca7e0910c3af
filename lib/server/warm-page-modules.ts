import "server-only";
import http from "node:http";

/**
 * Pages whose server modules are loaded right after start-up. Next loads a page's modules (and the
 * libraries they import: zod's schemas, the drivers, Prisma's client) on its first request, while
 * it holds the event loop: 100–330 ms of a first graph visit after start-up (docs/benchmarks.md,
 * graph page). Asked without a session, each redirects to the sign-in page after loading them; any
 * project name does, since the page asks for the session first.
 */
const WARM_PATHS = ["/", "/projects/-/graph"];

/**
 * Asks the server for each of WARM_PATHS once, on a later turn of the event loop (the server answers
 * only once start-up is done), so their modules are loaded before a person's first visit. Production
 * only (`next dev` compiles a page when it is first asked); failures are ignored: it only saves time.
 */
export function warmPageModules(options: { timeoutMs?: number } = {}): void {
  if (process.env.NODE_ENV !== "production") return;
  // Set by `next start` once it listens (next/dist/server/lib/start-server.js), with the host it was given.
  const origin = process.env.__NEXT_PRIVATE_ORIGIN ?? (process.env.PORT ? `http://127.0.0.1:${process.env.PORT}` : undefined);
  if (!origin) return;
  setTimeout(() => warm(origin, [...WARM_PATHS], options.timeoutMs ?? WARM_TIMEOUT_MS), 0).unref();
}

/** How long one warm-up request may take: a page that hangs (a store that does not answer) must not hold a socket open until shutdown. */
const WARM_TIMEOUT_MS = 30_000;

/** GETs each path in turn (node:http, not the fetch Next patches for pages), reading and dropping the answers. */
function warm(origin: string, paths: string[], timeoutMs: number): void {
  const path = paths.shift();
  if (path === undefined) return;
  let done = false;
  const next = () => {
    if (done) return;
    done = true;
    warm(origin, paths, timeoutMs);
  };
  try {
    const request = http.get(new URL(path, origin), (response) => {
      response.resume();
      response.on("close", next);
    });
    request.on("error", next).on("close", next);
    request.setTimeout(timeoutMs, () => request.destroy());
  } catch {
    // An origin node:http cannot ask (not http:, malformed): nothing to warm.
  }
}
