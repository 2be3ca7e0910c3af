import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { storedRevisions } from "@/lib/revision-lists";
import { followRunLog } from "@/lib/runner/follow-run-log";
import { createRunEventReader, type RunEvent } from "@/lib/runs/run-events";

/** One event to send, and the id to send with it (the last event of a log line carries its seq). */
export interface RunEventToSend {
  id?: number;
  event: RunEvent;
}

/**
 * A run's events (lib/runs/run-events) from the store, until the run has finished: log lines, steps
 * started and finished, then the end with the final status. Works on any instance. A stream
 * resumed after `afterSeq` reads the log from the start (to number the steps) and sends only what
 * follows it. `run` is the stored run (its id and path) as the caller read it: GET /api/runs/:id/log reads it once
 * to answer 404 for an unknown run.
 */
export async function* streamRunEvents(db: PrismaClient, run: { id: string; path: string[] }, o: { afterSeq?: number; pollMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<RunEventToSend, void, undefined> {
  const runId = run.id;
  const reader = createRunEventReader(run.path);
  const after = o.afterSeq ?? -1;
  let lastSeq = -1;
  for await (const line of followRunLog(db, runId, 0, { signal: o.signal, pollMs: o.pollMs })) {
    lastSeq = line.seq;
    const events = reader.line(line);
    if (line.seq <= after) continue;
    // Only the last event of a line carries the id: a connection that breaks in between resumes at that line again.
    yield* events.map((event, i) => (i === events.length - 1 ? { id: line.seq, event } : { event }));
  }
  if (o.signal?.aborted) return;
  const end = await db.run.findUnique({ where: { id: runId }, select: { status: true, resultRevisions: true } });
  for (const event of reader.end({ status: end?.status ?? "unknown", resultRevisions: storedRevisions(end?.resultRevisions), lastSeq })) yield { event };
}
