import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RecoveredRun } from "@/lib/runner/recover-interrupted-runs";
import { recoverStaleRuns } from "@/lib/runs/recover-stale-runs";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

/**
 * At start-up: runs this instance (same CAIRN_INSTANCE_ID) was executing when it stopped, and runs
 * of instances whose heartbeat went quiet, are settled — each only once its Alembic has let go of
 * the database lock. Never throws: a failure is logged and the dashboard still starts.
 */
export async function recoverOnStart(db: PrismaClient): Promise<RecoveredRun[]> {
  return recoverStaleRuns(db, { includeOwn: true, key: getSecretKey() });
}
