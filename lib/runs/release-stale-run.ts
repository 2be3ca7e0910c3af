import "server-only";
import os from "node:os";
import fs from "node:fs";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { recoverInterruptedRuns, type RecoveredRun } from "@/lib/runner/recover-interrupted-runs";
import { recordAudit } from "@/lib/audit/record-audit";
import { inspectRunTarget, runStaleMs } from "@/lib/runs/recover-stale-runs";
import { instanceId } from "@/lib/runs/instance-id";

export const ZReleaseRunSchema = z.object({
  reason: z.string().trim().min(1, "Say why this run can be released; it goes into the audit trail.").max(2000),
});

/** Is the runner process of a run alive on this host? (Only this host's processes can be seen.) */
function runnerAliveHere(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("cairn_run.py");
  } catch {
    return true; // cannot tell what it is: assume it is ours
  }
}

/**
 * An admin releases a `running` run whose Cairn instance is gone (heartbeat older than the stale
 * limit) — for the cases automatic recovery will not decide, e.g. its database cannot be asked.
 * Refused while the run's Alembic is alive (its runner process on this host, or the database's lock
 * held). The run becomes `interrupted` with the admin's reason; the state is re-read; audited.
 */
export async function releaseStaleRun(db: PrismaClient, i: { runId: string; actor: Actor; reason: string; key?: Buffer }): Promise<RecoveredRun> {
  const run = await db.run.findUnique({ where: { id: i.runId }, include: { environment: { select: { name: true } } } });
  if (!run) throw new AppError("not-found", `run ${i.runId} not found`, `Run ${i.runId} does not exist.`);
  if (run.status !== "running") throw new AppError("conflict", `run ${run.id} is ${run.status}`, `Run ${run.id} is ${run.status.replace("_", " ")}; only a running run whose Cairn instance stopped can be released.`);
  const staleMs = runStaleMs();
  const quietFor = run.heartbeatAt ? Date.now() - run.heartbeatAt.getTime() : Infinity;
  if (quietFor <= staleMs) {
    throw new AppError(
      "conflict",
      `run ${run.id} heartbeat is fresh`,
      `Run ${run.id} is being executed by Cairn instance ${run.instanceId ?? "(unknown)"} (last heartbeat ${Math.round(quietFor / 1000)} s ago). Cancel it instead of releasing it.`,
    );
  }
  if (run.runnerHost === os.hostname() && runnerAliveHere(run.runnerPid)) {
    throw new AppError("locked", `runner ${run.runnerPid} alive`, `Its Alembic is still running on this host (process ${run.runnerPid}); Cairn will record its outcome when it ends. Wait for it, or stop that process first.`);
  }
  const seen = await inspectRunTarget(db, run, { key: i.key });
  if (seen.lock === "held") {
    throw new AppError(
      "locked",
      `database lock of ${run.environment.name} held`,
      `${run.environment.name}'s migration lock is held${run.runnerHost ? ` (the run's Alembic was process ${run.runnerPid ?? "?"} on ${run.runnerHost})` : ""}: an Alembic may still be running. Wait for it to end, or stop it there first.`,
    );
  }
  const [settled] = await recoverInterruptedRuns(db, instanceId(), {
    environmentId: run.environmentId,
    staleMs,
    includeOwn: false,
    note: `Released by ${i.actor.email}: ${i.reason}`,
    // The admin's word stands in for a lock that cannot be checked; it is recorded as such.
    inspect: async (r) => (r.id === run.id ? { ...seen, lock: "free" } : { lock: "unknown", revisions: null, expectedHeads: null }),
  });
  if (!settled) throw new AppError("conflict", `run ${run.id} settled meanwhile`, `Run ${run.id} was settled by someone else a moment ago.`);
  await db.$transaction(async (tx) => {
    await recordAudit(tx, {
      actor: i.actor,
      action: "run.released",
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: run.environment.name,
      runId: run.id,
      toRevision: run.target,
      outcome: settled.status,
      details: { reason: i.reason, lockProbe: seen.lock, revisions: seen.revisions },
    });
  });
  return settled;
}
