import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recoverInterruptedRuns, type RecoveredRun } from "@/lib/runner/recover-interrupted-runs";
import { instanceId } from "@/lib/runs/instance-id";

/**
 * At start-up: runs this instance was executing when it stopped, and runs of instances whose
 * heartbeat went quiet, become `interrupted` and their environment locks are released.
 * Never throws: a failure is logged and the dashboard still starts.
 */
export async function recoverOnStart(db: PrismaClient): Promise<RecoveredRun[]> {
  try {
    const recovered = await recoverInterruptedRuns(db, instanceId());
    for (const r of recovered) console.warn(`[cairn] run ${r.runId} was interrupted (instance ${r.instanceId ?? "unknown"} stopped); marked interrupted`);
    return recovered;
  } catch (e) {
    console.error("[cairn] start-up recovery of interrupted runs failed", e);
    return [];
  }
}
