import "server-only";
import { z } from "zod";
import { sweepAbandonedBackups } from "@/lib/backups/sweep-abandoned-backups";
import { serverEnv } from "@/lib/config/server-env";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueue, type DbOrTx } from "@/lib/jobs/enqueue";
import type { JobQueue } from "@/lib/jobs/job-queue";
import { recoverStaleRuns, runStaleMs } from "@/lib/runs/recover-stale-runs";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

const ZRunSweep = z.object({});

/** Seconds between sweeps: half the stale threshold, at least 5 s (15 s by default). */
export function runSweepEverySeconds(): number {
  return Math.max(5, Math.round(runStaleMs() / 2000));
}

/**
 * Settles runs whose Cairn instance went quiet, so an orphaned Alembic's outcome is recorded soon
 * after it ends even when nobody requests a run, and clears the dump process and half-written file a
 * Cairn stopped mid-backup left (sweepAbandonedBackups) — once across the instances sharing the store, then
 * again `runSweepEverySeconds()` later. The queue is "stately": one sweep waits and one runs at
 * most, however many instances seed it. A sweep that throws is not retried (the next one comes
 * anyway); one whose instance died counts as failed after 2 minutes, and the next sweep waits that
 * long at most. Each run is settled by one conditional update (recoverInterruptedRuns), so two
 * sweeps could never both settle it anyway.
 */
export const runSweepJob: JobDefinition<typeof ZRunSweep> = defineJob(
  "run-sweep",
  ZRunSweep,
  async (_data, { db }) => {
    try {
      await recoverStaleRuns(db, { key: getSecretKey() });
      // Then what a Cairn that died mid-backup left behind, now that its run is settled.
      await sweepAbandonedBackups(db, { backupDir: serverEnv().CAIRN_BACKUP_DIR ?? null });
    } finally {
      await enqueue(db, runSweepJob, {}, { startAfter: runSweepEverySeconds() });
    }
  },
  { retryLimit: 0, expireInSeconds: 120 },
);

/**
 * Starts the sweeps from start-up: one now (a no-op when one already waits) and, should the chain
 * ever break (the store unreachable when a sweep ends), one every minute from the schedule.
 */
export async function startRunSweeps(db: DbOrTx, queue: JobQueue): Promise<void> {
  await enqueue(db, runSweepJob, {});
  await queue.schedule(runSweepJob, "* * * * *");
}
