import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

type Tx = Prisma.TransactionClient;

export interface LockHolder {
  environmentId: string;
  runId: string;
  holder: string;
  instanceId: string;
  acquiredAt: Date;
  heartbeatAt: Date;
}

/** Heartbeats older than this mean the holding instance is gone. */
export const DEFAULT_STALE_MS = 30_000;

/**
 * Takes the environment's lock row inside the caller's transaction. The row's primary key is the
 * environment id, so across every Cairn instance sharing the store exactly one insert wins.
 * Returns null when someone else holds it.
 */
export async function tryInsertEnvironmentLock(tx: Tx, lock: { environmentId: string; runId: string; holder: string; instanceId: string }): Promise<boolean> {
  const { count } = await tx.environmentLock.createMany({ data: [lock], skipDuplicates: true });
  return count === 1;
}

/** The `locked` error a second attempt gets: who is running what, since when. */
export async function lockedError(db: PrismaClient | Tx, environmentId: string, environmentName: string): Promise<AppError> {
  const lock = await db.environmentLock.findUnique({ where: { environmentId } });
  if (!lock) {
    return new AppError("locked", `environment ${environmentName} lock contended`, `Another run on ${environmentName} is starting right now. Try again in a moment.`);
  }
  const run = await db.run.findUnique({ where: { id: lock.runId }, select: { kind: true, target: true } });
  const what = run ? `${run.kind} to ${run.target}` : "a run";
  const since = lock.acquiredAt.toISOString();
  return new AppError(
    "locked",
    `environment ${environmentName} locked by run ${lock.runId}`,
    `${environmentName} is busy: ${lock.holder} is running ${what} (run ${lock.runId}) since ${since} on Cairn instance ${lock.instanceId}. Wait for it to finish, then try again.`,
    { runId: lock.runId, holder: lock.holder, instanceId: lock.instanceId, since, kind: run?.kind, target: run?.target },
  );
}

/** Refreshes the lock's and the run's heartbeat; false when the lock is no longer ours. */
export async function heartbeatEnvironmentLock(db: PrismaClient, runId: string, instanceId: string): Promise<boolean> {
  const now = new Date();
  const { count } = await db.environmentLock.updateMany({ where: { runId, instanceId }, data: { heartbeatAt: now } });
  await db.run.updateMany({ where: { id: runId, instanceId }, data: { heartbeatAt: now } });
  return count === 1;
}

/** Deletes the lock held by this run (no-op when already gone). */
export async function releaseEnvironmentLock(tx: Tx | PrismaClient, runId: string): Promise<void> {
  await tx.environmentLock.deleteMany({ where: { runId } });
}
