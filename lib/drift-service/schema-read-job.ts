import "server-only";
import { z } from "zod";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueue, type DbOrTx } from "@/lib/jobs/enqueue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { notifyNewDrift } from "@/lib/drift-service/notify-new-drift";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";
import { isEnvironmentDueForReading } from "@/lib/drift-service/schema-readings";

const ZSchemaRead = z.object({
  environmentId: z.string().min(1),
  /** "schedule": the sweep found it due (read only if still due); "stamp": its version table just moved; "run": a run ended without succeeding. */
  trigger: z.enum(["schedule", "stamp", "run"]),
});

/**
 * Reads one environment's schema and stores the reading (refreshSchemaReading), then tells the
 * webhooks if a protected environment newly drifted (notifyNewDrift). Queued per environment
 * (singletonKey = its id) on a "short" queue: one reading waits at most per environment, whichever
 * instances queue them (it may start while the previous one runs). A reading the sweep asked for is skipped when the
 * environment is no longer due (another reading landed since). An unreachable database is a stored
 * failed reading, not a failed job; what throws (the store, a project whose alembic.ini is gone) is
 * retried once.
 */
export const schemaReadJob: JobDefinition<typeof ZSchemaRead> = defineJob(
  "schema-read",
  ZSchemaRead,
  async ({ environmentId, trigger }, { db }) => {
    const env = await db.environment.findUnique({ where: { id: environmentId }, select: { name: true, project: { select: { name: true } } } });
    if (!env) return; // removed since it was queued
    if (trigger === "schedule" && !(await isEnvironmentDueForReading(db, environmentId))) return;
    const reading = await refreshSchemaReading(db, { project: env.project.name, environment: env.name, trigger });
    await notifyNewDrift(db, reading);
  },
  { retryLimit: 1, retryDelaySeconds: 30, expireInSeconds: 600, concurrency: 2 },
);

/**
 * Queues a reading of one environment through `db` (pass the transaction of the change it follows).
 * Returns null when one is already waiting for that environment: that one reads it. A stamp's
 * (or a run's) reading that finds a scheduled one waiting makes it its own, so it is never skipped as not due
 * (a reading that landed meanwhile may predate the stamp).
 */
export async function enqueueSchemaRead(db: DbOrTx, environmentId: string, trigger: z.input<typeof ZSchemaRead>["trigger"]): Promise<string | null> {
  for (let attempt = 0; ; attempt++) {
    const id = await enqueue(db, schemaReadJob, { environmentId, trigger }, { singletonKey: environmentId });
    if (id !== null || trigger === "schedule" || attempt === 1) return id;
    const promoted = await db.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE ${JOB_SCHEMA}.job SET data = jsonb_set(data, '{trigger}', to_jsonb($3::text)) WHERE name = $1 AND singleton_key = $2 AND state = 'created' RETURNING id::text`,
      queueName(schemaReadJob.name),
      environmentId,
      trigger,
    );
    if (promoted.length > 0) return null;
    // The waiting one started meanwhile: queue this one after all.
  }
}
