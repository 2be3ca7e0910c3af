import "server-only";

type Closer = () => unknown;

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
const state = globalThis as unknown as { __cairnShutdown?: { closers: Set<Closer>; stopping?: Promise<void> } };

/**
 * Registers work to finish when the process is asked to stop (SIGTERM or SIGINT): the job queue's
 * graceful stop, the kept target connections. One listener per signal serves every closer: they all
 * start at once, and only when every one has settled does the process go down as the signal's default
 * would — unless another listener (Next.js's own) handles the signal and exits by itself. Each part
 * used to add its own listener that re-raised the signal when *it* was done, so the quickest (closing
 * idle connections) took the process down while the job queue was still letting a job finish.
 * Returns a function that unregisters the closer.
 */
export function onShutdown(close: Closer): () => void {
  const s = (state.__cairnShutdown ??= install());
  s.closers.add(close);
  return () => void s.closers.delete(close);
}

function install(): { closers: Set<Closer>; stopping?: Promise<void> } {
  const s: { closers: Set<Closer>; stopping?: Promise<void> } = { closers: new Set() };
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      s.stopping ??= Promise.allSettled([...s.closers].map((close) => Promise.resolve().then(close))).then(() => {});
      void s.stopping.then(() => {
        // Our listener replaced Node's default exit on the signal; when nobody else handles it, exit as the default would.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
  return s;
}
