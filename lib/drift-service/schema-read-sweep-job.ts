import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { defineSweep } from "@/lib/jobs/define-sweep";
import { pendingJobKeys } from "@/lib/jobs/pending-job-keys";
import { enqueueSchemaRead, schemaReadJob } from "@/lib/drift-service/schema-read-job";
import { schemaReadIntervalMs } from "@/lib/drift-service/schema-read-interval";
import { environmentsDueForReading } from "@/lib/drift-service/schema-readings";

/** Seconds between sweeps: a quarter of the reading interval, from 1 s to a minute (a minute by default). */
export function schemaReadSweepEverySeconds(intervalMs: number = schemaReadIntervalMs()): number {
  return Math.min(60, Math.max(1, Math.round(intervalMs / 4000)));
}

/**
 * Queues one schema-read per environment that is due (never read, or read longer ago than the
 * interval plus its own jitter, so 40 environments are not read in the same second), skipping those
 * whose reading is already queued or running. Returns how many it queued.
 */
export async function enqueueDueSchemaReads(db: PrismaClient): Promise<number> {
  const pending = await pendingJobKeys(db, schemaReadJob);
  let queued = 0;
  for (const e of await environmentsDueForReading(db)) {
    if (pending.has(e.environmentId)) continue;
    if (await enqueueSchemaRead(db, e.environmentId, "schedule")) queued++;
  }
  return queued;
}

/**
 * The background schema readings' schedule: a sweep (lib/jobs/define-sweep.ts), once across the
 * instances sharing the store, then again `schemaReadSweepEverySeconds()` later.
 */
const schemaReadSweep = defineSweep("schema-read-sweep", () => schemaReadSweepEverySeconds(), enqueueDueSchemaReads);

export const schemaReadSweepJob = schemaReadSweep.job;
export const startSchemaReadSweeps = schemaReadSweep.start;
