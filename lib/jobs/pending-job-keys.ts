import "server-only";
import type { JobDefinition } from "@/lib/jobs/define-job";
import type { DbOrTx } from "@/lib/jobs/enqueue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";

/**
 * The singleton keys of `job`'s jobs that are waiting, waiting to be retried or running, on any
 * instance. A sweep skips those keys instead of queueing one more behind a running job (on a stately
 * queue pg-boss could not start it before the running one ends anyway).
 */
export async function pendingJobKeys(db: DbOrTx, job: JobDefinition): Promise<Set<string>> {
  const rows = await db.$queryRawUnsafe<{ key: string }[]>(`SELECT DISTINCT singleton_key AS key FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state < 'completed' AND singleton_key IS NOT NULL`, queueName(job.name));
  return new Set(rows.map((r) => r.key));
}
