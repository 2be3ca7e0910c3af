import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isOpenRunStatus } from "@/lib/runs/run-request.types";

export interface RunLogLine {
  seq: number;
  text: string;
  at: Date;
}

/**
 * Yields a run's log lines from `fromSeq`, polling the store until the run has finished and every
 * line is read. Works on any instance: it reads only RunLog and Run.status.
 */
export async function* followRunLog(db: PrismaClient, runId: string, fromSeq = 0, o: { pollMs?: number; signal?: AbortSignal; batch?: number } = {}): AsyncGenerator<RunLogLine, void, undefined> {
  const pollMs = o.pollMs ?? 500;
  let next = fromSeq;
  while (!o.signal?.aborted) {
    // Read the status before the rows: lines written before the run finished are then all visible.
    const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run) return;
    const rows = await db.runLog.findMany({ where: { runId, seq: { gte: next } }, orderBy: { seq: "asc" }, take: o.batch ?? 500 });
    for (const r of rows) {
      yield { seq: r.seq, text: r.text, at: r.at };
      next = r.seq + 1;
    }
    if (rows.length === (o.batch ?? 500)) continue;
    // Lines arrive only while a run is open (awaiting approval, queued, running); a stale one is finished too.
    if (!isOpenRunStatus(run.status)) return;
    await new Promise<void>((resolve) => {
      // The listener goes with the wait: one added per poll and never removed was a leak per open log stream.
      const onAbort = () => (clearTimeout(t), resolve());
      const t = setTimeout(() => (o.signal?.removeEventListener("abort", onAbort), resolve()), pollMs);
      o.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
