import "server-only";
import PgBoss from "pg-boss";
import { JOB_SCHEMA, QUEUES, queueName, type QueueName } from "@/lib/jobs/queues";

/**
 * Raw SQL on the store, the way pg-boss sends it: statements with parameters, or a whole
 * multi-statement script without (its schema install and migrations), answered like `pg`'s
 * `query` — one result, or an array of them for a script.
 */
export interface JobSql {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
}

/**
 * pg-boss on the store's own connection: pg-boss's types ask for `{ rows }` where a script gives an
 * array (pg's own pool answers the same), and nothing in pg-boss reads rows of a script.
 */
export function asPgBossDb(sql: JobSql): PgBoss.Db {
  return sql as PgBoss.Db;
}

/**
 * Serialises installs across instances starting together: pg-boss's own transaction-scoped lock
 * still let two first installs collide on CREATE SCHEMA (a duplicate-key error, seen in
 * tests/jobs/job-queue.test.ts). Beside the store's migration lock (72707369).
 */
const INSTALL_LOCK_KEY = 72707370;

/**
 * Installs or migrates pg-boss's tables (schema cairn_jobs) and creates Cairn's queues: idempotent,
 * and safe when instances start together (a session advisory lock, so `sql` must be one session).
 * Runs with the store's migrations, on every open, so any transaction can enqueue a job.
 */
export async function installJobQueue(sql: JobSql): Promise<void> {
  await sql.executeSql("SELECT pg_advisory_lock($1)", [INSTALL_LOCK_KEY]);
  try {
    await installLocked(sql);
  } finally {
    await sql.executeSql("SELECT pg_advisory_unlock($1)", [INSTALL_LOCK_KEY]).catch(() => undefined);
  }
}

async function installLocked(sql: JobSql): Promise<void> {
  const boss = new PgBoss({ db: asPgBossDb(sql), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: true });
  await boss.start();
  try {
    const existing = new Map((await boss.getQueues()).map((q) => [q.name, q.policy]));
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const policy = existing.get(queueName(name));
      if (policy === undefined) await boss.createQueue(queueName(name), { name: queueName(name), policy: spec.policy });
      // A queue whose policy changed since it was created (schema-read was stately): new jobs take the new one.
      else if (policy !== spec.policy) await boss.updateQueue(queueName(name), { name: queueName(name), policy: spec.policy });
    }
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
}
