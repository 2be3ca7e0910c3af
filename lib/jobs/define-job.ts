import "server-only";
import type { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueName } from "@/lib/jobs/queues";

/** What a job's handler is given besides its data. */
export interface JobContext {
  /** The store of the queue that runs the job. */
  db: PrismaClient;
  /** pg-boss's id of the job: the same across its retries. */
  jobId: string;
}

/** How a job is retried and how long it may run; applied when it is enqueued or scheduled. */
export interface JobOptions {
  /** Retries after the first attempt fails (default 2). */
  retryLimit?: number;
  /** Seconds before the first retry (default 10). */
  retryDelaySeconds?: number;
  /** Double the delay at each retry, with up to 100 % jitter (pg-boss: delay × 2^n × (1..2) / 2; default true). */
  retryBackoff?: boolean;
  /** A handler still running after this long counts as failed (and is retried) — also when its instance died (default 15 min). */
  expireInSeconds?: number;
  /** Jobs of this kind one instance runs at once (default 1). */
  concurrency?: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: QueueName;
  schema: S;
  handler(data: z.output<S>, context: JobContext): Promise<void>;
  options: Required<JobOptions>;
}

/**
 * A kind of background job: its queue (listed in lib/jobs/queues.ts), the schema its data must
 * match — checked when it is enqueued and again when it runs, as jobs outlive deployments — the
 * handler, and how it is retried. A job that throws is retried; the handler must therefore be safe
 * to run twice (a job whose instance dies mid-way runs again after `expireInSeconds`).
 */
export function defineJob<S extends z.ZodType>(name: QueueName, schema: S, handler: (data: z.output<S>, context: JobContext) => Promise<void>, options: JobOptions = {}): JobDefinition<S> {
  return {
    name,
    schema,
    handler,
    options: {
      retryLimit: options.retryLimit ?? 2,
      retryDelaySeconds: options.retryDelaySeconds ?? 10,
      retryBackoff: options.retryBackoff ?? true,
      expireInSeconds: options.expireInSeconds ?? 15 * 60,
      concurrency: options.concurrency ?? 1,
    },
  };
}
