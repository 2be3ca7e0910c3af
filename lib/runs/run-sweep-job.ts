import "server-only";
import { sweepAbandonedBackups } from "@/lib/backups/sweep-abandoned-backups";
import { serverEnv } from "@/lib/config/server-env";
import { defineSweep } from "@/lib/jobs/define-sweep";
import { recoverStaleRuns, runStaleMs } from "@/lib/runs/recover-stale-runs";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

/** Seconds between sweeps: half the stale threshold, at least 5 s (15 s by default). */
export function runSweepEverySeconds(): number {
  return Math.max(5, Math.round(runStaleMs() / 2000));
}

/**
 * Settles runs whose Cairn instance went quiet, so an orphaned Alembic's outcome is recorded soon
 * after it ends even when nobody requests a run, and clears the dump process and half-written file a
 * Cairn stopped mid-backup left (sweepAbandonedBackups) — a sweep (lib/jobs/define-sweep.ts): once
 * across the instances sharing the store, then again `runSweepEverySeconds()` later. Each run is
 * settled by one conditional update (recoverInterruptedRuns), so two sweeps could never both settle it anyway.
 */
const runSweep = defineSweep("run-sweep", runSweepEverySeconds, async (db) => {
  await recoverStaleRuns(db, { key: getSecretKey() });
  // Then what a Cairn that died mid-backup left behind, now that its run is settled.
  await sweepAbandonedBackups(db, { backupDir: serverEnv().CAIRN_BACKUP_DIR ?? null });
});

export const runSweepJob = runSweep.job;
export const startRunSweeps = runSweep.start;
