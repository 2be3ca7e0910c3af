/**
 * Every queue Cairn's job queue (lib/jobs) uses. They are created with the store (lib/db/client.ts
 * installs the queue's tables), so a job can be enqueued in any transaction on any store — a
 * server's, the CLI's or a test's — whether or not a worker runs in that process.
 *
 * Adding a job: add its name here, then `defineJob` it beside the code it runs and list it in
 * lib/server/start-up.ts (CAIRN_JOBS).
 */

/** The PostgreSQL schema that holds pg-boss's tables, beside Cairn's own (public): Prisma never sees it. */
export const JOB_SCHEMA = "cairn_jobs";

/**
 * How a queue admits jobs (pg-boss's policies): "standard" runs every job; "short" keeps at most one
 * job waiting per singleton key (enqueueing one more is a no-op) and lets it start while another with
 * that key runs; "stately" keeps at most one job waiting and one running — for work that must not
 * pile up, such as a periodic sweep. Stately is for keyless queues only: in pg-boss 10 a waiting
 * keyed job whose key is running makes every fetch of its queue fail until the running one ends
 * (timgit/pg-boss#536), so one slow key would stall all the others.
 */
export type QueuePolicy = "standard" | "short" | "stately";

export const QUEUES = {
  /** Settles runs whose Cairn instance went quiet (lib/runs/run-sweep-job.ts). */
  "run-sweep": { policy: "stately" },
  /** Posts one event to one webhook, retried with backoff (lib/webhooks/deliver-webhook-job.ts). */
  "webhook-delivery": { policy: "standard" },
  /**
   * Reads one environment's schema (lib/drift-service/schema-read-job.ts). Keyed by environment: one
   * reading waits at most per environment, across instances; it may start while the previous one
   * still runs (harmless: drift.found is conditional), so a slow environment holds up no other.
   */
  "schema-read": { policy: "short" },
  /** Queues a schema-read for each environment due for its background reading (lib/drift-service/schema-read-sweep-job.ts). */
  "schema-read-sweep": { policy: "stately" },
  /** Reads every project's migrations for heads not seen before: graph.new_head (lib/projects/check-heads-job.ts). */
  "graph-heads": { policy: "stately" },
} as const satisfies Record<string, { policy: QueuePolicy }>;

export type QueueName = keyof typeof QUEUES;

/** The queue's name in pg-boss's tables: prefixed, so Cairn's queues are told apart from anyone else's. */
export function queueName(name: QueueName): string {
  return `cairn-${name}`;
}
