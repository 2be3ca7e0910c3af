import "server-only";
import PgBoss from "pg-boss";
import type { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { JobDefinition } from "@/lib/jobs/define-job";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";

/** The store or an open transaction on it (`db.$transaction(async (tx) => …)`'s `tx`). */
export type DbOrTx = Pick<PrismaClient, "$queryRawUnsafe">;

export interface EnqueueOptions {
  /** At most one job with this key waits in the queue at a time (a second enqueue returns null). */
  singletonKey?: string;
  /** Not before this time, or this many seconds from now. */
  startAfter?: Date | number;
}

/**
 * pg-boss's statements through Prisma: JSON values go as text (pg-boss casts them to jsonb), the
 * rest as they are. Only ever given pg-boss's own parameterised statements.
 */
export function prismaJobSql(db: DbOrTx): PgBoss.Db {
  return {
    executeSql: async (text, values = []) => {
      const params = values.map((v) => (v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await db.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

// Builds pg-boss's statements; never connects (every send below names its own connection).
const sender = new PgBoss({
  db: { executeSql: () => Promise.reject(new Error("the job sender has no connection of its own")) },
  schema: JOB_SCHEMA,
  supervise: false,
  schedule: false,
});

/**
 * Puts a job on its queue through `db` — pass the transaction of the state change it follows, and
 * the job exists exactly when that change commits. Returns the job's id, or null when a job with
 * the same singletonKey is already waiting (or, on a "stately" queue, any job is). Needs no worker
 * in this process: any instance sharing the store runs it.
 */
export async function enqueue<S extends z.ZodType>(db: DbOrTx, job: JobDefinition<S>, data: z.input<S>, options: EnqueueOptions = {}): Promise<string | null> {
  const parsed = job.schema.parse(data) as object;
  const { startAfter, singletonKey } = options;
  return sender.send(queueName(job.name), parsed, {
    db: prismaJobSql(db),
    ...(singletonKey ? { singletonKey } : {}),
    ...(startAfter !== undefined ? { startAfter: typeof startAfter === "number" ? Math.max(1, Math.ceil(startAfter)) : startAfter } : {}),
    retryLimit: job.options.retryLimit,
    retryDelay: job.options.retryDelaySeconds,
    retryBackoff: job.options.retryBackoff,
    expireInSeconds: job.options.expireInSeconds,
  });
}
