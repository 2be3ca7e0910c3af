import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueue, type DbOrTx } from "@/lib/jobs/enqueue";
import type { JobQueue } from "@/lib/jobs/job-queue";
import type { QueueName } from "@/lib/jobs/queues";

const ZSweep = z.object({});

export interface Sweep {
  job: JobDefinition<typeof ZSweep>;
  /** From start-up: one sweep now (a no-op when one already waits) and one every minute from the schedule, should the chain break. */
  start(db: DbOrTx, queue: JobQueue): Promise<void>;
}

/**
 * Background work that runs about every `everySeconds()` once across the instances sharing the store,
 * not once per instance: each sweep enqueues the next when it ends (also when it throws) on a
 * "stately" queue (list it so in lib/jobs/queues.ts), so one waits and one runs at most however many
 * instances seed it, and a cron every minute re-seeds the chain should it break (the store
 * unreachable when a sweep ended). A sweep that throws is not retried — the next one comes anyway;
 * one whose instance died counts as failed after `expireInSeconds`, and the next waits that long at most.
 */
export function defineSweep(name: QueueName, everySeconds: () => number, work: (db: PrismaClient) => Promise<unknown>, o: { expireInSeconds?: number } = {}): Sweep {
  const job: JobDefinition<typeof ZSweep> = defineJob(
    name,
    ZSweep,
    async (_data, { db }) => {
      try {
        await work(db);
      } finally {
        await enqueue(db, job, {}, { startAfter: everySeconds() });
      }
    },
    { retryLimit: 0, expireInSeconds: o.expireInSeconds ?? 120 },
  );
  return {
    job,
    async start(db, queue) {
      await enqueue(db, job, {});
      await queue.schedule(job, "* * * * *");
    },
  };
}
