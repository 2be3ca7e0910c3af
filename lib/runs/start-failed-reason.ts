import { isAppError } from "@/lib/errors";

/**
 * What a webhook is told when Cairn could not start a run or a stamp: a fixed sentence and the
 * error's code, never its message — a locked error names the lock holder's email and instance
 * (host and pid), a raw error a server path. The whole reason stays in the run's errorTail and the
 * audit row (run.start-failed), behind sign-in.
 */
export function startFailedEventReason(e: unknown): string {
  const code = isAppError(e) ? e.code : "internal";
  return `Cairn could not start it (${code}); the run page says why.`;
}
