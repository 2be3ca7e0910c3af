import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueue, type DbOrTx } from "@/lib/jobs/enqueue";
import type { JobQueue } from "@/lib/jobs/job-queue";
import { pendingJobKeys } from "@/lib/jobs/pending-job-keys";
import { enqueueSchemaRead, schemaReadJob } from "@/lib/drift-service/schema-read-job";
import { schemaReadIntervalMs } from "@/lib/drift-service/schema-read-interval";
import { environmentsDueForReading } from "@/lib/drift-service/schema-readings";

const ZSchemaReadSweep = z.object({});

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
 * The background schema readings' schedule: once across the instances sharing the store, then again
 * `schemaReadSweepEverySeconds()` later (run-sweep's pattern: a stately queue, one sweep waiting and
 * one running at most). A sweep that throws is not retried; the next one comes anyway.
 */
export const schemaReadSweepJob: JobDefinition<typeof ZSchemaReadSweep> = defineJob(
  "schema-read-sweep",
  ZSchemaReadSweep,
  async (_data, { db }) => {
    try {
      await enqueueDueSchemaReads(db);
    } finally {
      await enqueue(db, schemaReadSweepJob, {}, { startAfter: schemaReadSweepEverySeconds() });
    }
  },
  { retryLimit: 0, expireInSeconds: 120 },
);

/** Starts the sweeps from start-up: one now (a no-op when one already waits) and one every minute from the schedule, should the chain break. */
export async function startSchemaReadSweeps(db: DbOrTx, queue: JobQueue): Promise<void> {
  await enqueue(db, schemaReadSweepJob, {});
  await queue.schedule(schemaReadSweepJob, "* * * * *");
}
