import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DEFAULT_STALE_MS } from "@/lib/runner/environment-lock";
import { recordAudit } from "@/lib/audit/record-audit";

export interface RecoveredRun {
  runId: string;
  environmentId: string;
  projectId: string;
  instanceId: string | null;
}

/**
 * At start-up (and whenever a lock looks stale): marks `running` runs as `interrupted` when they
 * belong to this instance (it just restarted, so they are dead) or their heartbeat is older than
 * `staleMs`, releases their locks and drops orphaned stale locks. The caller must re-read each
 * returned environment's real state: Alembic may have applied some migrations before it died.
 */
export async function recoverInterruptedRuns(
  db: PrismaClient,
  instanceId: string,
  o: { staleMs?: number; environmentId?: string; now?: Date; /** false when called by a live instance: its own runs are not dead. */ includeOwn?: boolean } = {},
): Promise<RecoveredRun[]> {
  const now = o.now ?? new Date();
  const cutoff = new Date(now.getTime() - (o.staleMs ?? DEFAULT_STALE_MS));
  const envFilter = o.environmentId ? { environmentId: o.environmentId } : {};
  const includeOwn = o.includeOwn ?? true;
  const own = includeOwn ? [{ instanceId }] : [];
  const candidates = await db.run.findMany({
    where: {
      ...envFilter,
      status: "running",
      OR: [...own, { heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }],
    },
    include: { environment: { select: { name: true } } },
  });
  const recovered: RecoveredRun[] = [];
  for (const run of candidates) {
    const done = await db.$transaction(async (tx) => {
      // Conditional update: another instance recovering at the same moment gets count 0.
      const { count } = await tx.run.updateMany({
        where: { id: run.id, status: "running", ...(includeOwn && run.instanceId === instanceId ? {} : { OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] }) },
        data: {
          status: "interrupted",
          finishedAt: now,
          durationMs: run.startedAt ? now.getTime() - run.startedAt.getTime() : null,
          errorTail:
            (run.errorTail ? `${run.errorTail}\n` : "") +
            `Cairn instance ${run.instanceId ?? "(unknown)"} stopped while this run was in progress (last heartbeat ${run.heartbeatAt?.toISOString() ?? "never"}). ` +
            "Some migrations may have been applied; the environment's state was re-read.",
        },
      });
      if (count === 0) return false;
      await tx.environmentLock.deleteMany({ where: { runId: run.id } });
      await recordAudit(tx, {
        actor: { label: `system:${instanceId}` },
        action: "run.interrupted",
        projectId: run.projectId,
        environmentId: run.environmentId,
        environment: run.environment.name,
        runId: run.id,
        toRevision: run.target,
        outcome: "interrupted",
        details: { deadInstance: run.instanceId, lastHeartbeat: run.heartbeatAt?.toISOString() ?? null },
      });
      return true;
    });
    if (done) recovered.push({ runId: run.id, environmentId: run.environmentId, projectId: run.projectId, instanceId: run.instanceId });
  }
  // Locks whose run is no longer running, or whose heartbeat stopped, block the environment for nothing.
  const stale = await db.environmentLock.findMany({ where: { ...envFilter, OR: [...own, { heartbeatAt: { lt: cutoff } }] } });
  for (const lock of stale) {
    const run = await db.run.findUnique({ where: { id: lock.runId }, select: { status: true } });
    if (!run || run.status !== "running") await db.environmentLock.deleteMany({ where: { runId: lock.runId, heartbeatAt: lock.heartbeatAt } });
  }
  return recovered;
}
