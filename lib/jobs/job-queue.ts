import "server-only";
import PgBoss from "pg-boss";
import type { z } from "zod";
import type { Store } from "@/lib/db/client";
import type { JobDefinition } from "@/lib/jobs/define-job";
import { asPgBossDb } from "@/lib/jobs/install-job-queue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { onShutdown } from "@/lib/server/on-shutdown";

export interface JobQueueOptions {
  /** How often an idle worker asks the store for a job (default 2 s; at least 0.5 s). */
  pollingIntervalSeconds?: number;
  /** How often pg-boss looks for schedules that are due (default 30 s; 1–45 s). */
  cronMonitorIntervalSeconds?: number;
  /** How often expired jobs are failed (and retried) and old ones archived, once across instances (default 60 s). */
  maintenanceIntervalSeconds?: number;
}

/** One instance's queue: works the jobs it was given, on its store. */
export interface JobQueue {
  /**
   * Runs `job` on a cron schedule (five fields, UTC) — once per due time across every instance that
   * shares the store (pg-boss keeps the schedule in the store; at most once a minute). Idempotent.
   */
  schedule<S extends z.ZodType>(job: JobDefinition<S>, cron: string, data?: z.input<S>): Promise<void>;
  unschedule(job: JobDefinition): Promise<void>;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones; what is still running is failed, to be retried elsewhere. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts a queue on `store` that works `jobs`: each job runs on exactly one instance (pg-boss takes
 * it with SELECT … FOR UPDATE SKIP LOCKED), is retried with backoff when it throws, and is retried
 * elsewhere when its instance dies (after the job's expireInSeconds). Works on a shared PostgreSQL
 * (a pool of its own) and on the embedded PGlite (through its one session).
 */
export async function createJobQueue(store: Store, jobs: JobDefinition[], options: JobQueueOptions = {}): Promise<JobQueue> {
  const boss = new PgBoss({
    db: asPgBossDb(store.sql),
    schema: JOB_SCHEMA,
    // The store installed and migrated the queue's tables when it opened (lib/jobs/install-job-queue.ts); pg-boss checks the version.
    migrate: false,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  // pg-boss reports its own failures (a lost connection while polling) as events: logged, never thrown.
  boss.on("error", (e: Error) => console.error(`[cairn] job queue: ${e.message}`));
  await boss.start();
  for (const job of jobs) {
    for (let i = 0; i < job.options.concurrency; i++) {
      await boss.work(queueName(job.name), { batchSize: 1 }, async ([j]) => {
        if (!j) return;
        const data = job.schema.safeParse(j.data);
        if (!data.success) throw new Error(`job ${job.name} ${j.id}: its data does not match the job's schema (${data.error.issues.length} issue(s))`);
        try {
          await job.handler(data.data, { db: store.db, jobId: j.id });
        } catch (e) {
          console.warn(`[cairn] job ${job.name} ${j.id} failed: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
      });
    }
  }
  return {
    schedule: async (job, cron, data) =>
      boss.schedule(queueName(job.name), cron, job.schema.parse(data ?? {}) as object, {
        tz: "UTC",
        retryLimit: job.options.retryLimit,
        retryDelay: job.options.retryDelaySeconds,
        retryBackoff: job.options.retryBackoff,
        expireInSeconds: job.options.expireInSeconds,
      }),
    unschedule: (job) => boss.unschedule(queueName(job.name)),
    stop: (timeoutMs = 10_000) => boss.stop({ graceful: true, timeout: timeoutMs, close: false, wait: true }),
  };
}

const state = globalThis as unknown as { __cairnJobQueue?: Promise<JobQueue> };

/**
 * The process's queue, started once from start-up (lib/server/start-up.ts) with every job Cairn
 * defines. On SIGTERM or SIGINT it stops taking jobs and lets running ones finish (up to 10 s).
 */
export function startJobQueue(store: Store, jobs: JobDefinition[], options: JobQueueOptions = {}): Promise<JobQueue> {
  if (!state.__cairnJobQueue) {
    const starting = createJobQueue(store, jobs, options);
    state.__cairnJobQueue = starting;
    starting.then(
      () => {
        onShutdown(stopJobQueue);
      },
      () => {
        if (state.__cairnJobQueue === starting) state.__cairnJobQueue = undefined;
      },
    );
  }
  return state.__cairnJobQueue;
}

/** Stops the process's queue, if it was started. */
export async function stopJobQueue(): Promise<void> {
  const queue = state.__cairnJobQueue;
  state.__cairnJobQueue = undefined;
  if (queue) await (await queue.catch(() => null))?.stop();
}
