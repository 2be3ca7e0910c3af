import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { openStore, type Store } from "@/lib/db/client";
import { createJobQueue, type JobQueue } from "@/lib/jobs/job-queue";
import { defineJob, type JobDefinition } from "@/lib/jobs/define-job";
import { enqueue } from "@/lib/jobs/enqueue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { createTestDatabase } from "@/tests/support/databases";

// A loaded machine (8 engineers on 2 cores) takes a minute to create a PGlite store: generous time limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// The tests borrow the run-sweep queue's name (queues are created with the store) for jobs of their own.
const NAME = "run-sweep" as const;
const ZData = z.object({ n: z.number().int() });
const FAST = { pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1, maintenanceIntervalSeconds: 1 };

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function jobStates(store: Store): Promise<string[]> {
  const rows = await store.db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM ${JOB_SCHEMA}.job WHERE name = $1 ORDER BY created_on`, queueName(NAME));
  return rows.map((r) => r.state);
}

describe("the job queue on a shared PostgreSQL store", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const stores: Store[] = [];
  const queues: JobQueue[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("cairn_jobs");
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop(1000);
    await stores[0]?.db.$executeRawUnsafe(`DELETE FROM ${JOB_SCHEMA}.job`);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await database.drop();
  });

  async function instance(jobs: JobDefinition[]): Promise<Store> {
    // Each instance opens the store itself, as two Cairn processes would: connections of its own.
    const store = await openStore({ databaseUrl: database.url });
    stores.push(store);
    queues.push(await createJobQueue(store, jobs, FAST));
    return store;
  }

  it("gives a queue created under an older policy its current one when a store opens (schema-read was stately)", async () => {
    const first = await instance([]);
    await first.db.$executeRawUnsafe(`UPDATE ${JOB_SCHEMA}.queue SET policy = 'stately' WHERE name = $1`, queueName("schema-read"));
    await instance([]);
    const [row] = await first.db.$queryRawUnsafe<{ policy: string }[]>(`SELECT policy FROM ${JOB_SCHEMA}.queue WHERE name = $1`, queueName("schema-read"));
    expect(row!.policy).toBe("short");
  });

  it("runs each job exactly once when two instances work the same queue", async () => {
    const ran: { n: number; instance: string }[] = [];
    const job = (instanceName: string) =>
      defineJob(NAME, ZData, async ({ n }) => {
        await new Promise((r) => setTimeout(r, 20));
        ran.push({ n, instance: instanceName });
      });
    // Both instances start together: the store's install and pg-boss's migrations race and must not fail.
    const [a] = await Promise.all([instance([job("a")]), instance([job("b")])]);
    // A stately queue keeps one job waiting at most: these jobs carry distinct keys to be many.
    for (let n = 0; n < 20; n++) await enqueue(a.db, job("a"), { n }, { singletonKey: `k${n}` });
    await until(() => ran.length >= 20);
    await new Promise((r) => setTimeout(r, 1500)); // would a second instance run one again?
    expect(ran.map((r) => r.n).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(new Set(ran.map((r) => r.instance)).size).toBeGreaterThanOrEqual(1);
    expect(await jobStates(a)).toEqual(Array(20).fill("completed"));
  });

  it("retries a failed job with a growing delay, then records it completed", async () => {
    const attempts: number[] = [];
    const job = defineJob(
      NAME,
      ZData,
      async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error(`attempt ${attempts.length} fails`);
      },
      { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: true },
    );
    const store = await instance([job]);
    await enqueue(store.db, job, { n: 1 });
    await until(() => attempts.length >= 3);
    const [first, second, third] = attempts as [number, number, number];
    // Backoff: delay × 2^n × (1..2) / 2 — 1–2 s before the first retry, 2–4 s before the second.
    expect(second - first).toBeGreaterThanOrEqual(1000);
    expect(third - second).toBeGreaterThanOrEqual(2000);
    await until(async () => (await jobStates(store)).join() === "completed");
  });

  it("enqueues in the caller's transaction: a rolled-back change leaves no job", async () => {
    const job = defineJob(NAME, ZData, async () => {});
    const store = await openStore({ databaseUrl: database.url });
    stores.push(store);
    await expect(
      store.db.$transaction(async (tx) => {
        await tx.project.create({ data: { name: "rolled-back", alembicPath: "./alembic.ini" } });
        expect(await enqueue(tx, job, { n: 1 })).toMatch(/^[0-9a-f-]{36}$/);
        throw new Error("the change fails after the enqueue");
      }),
    ).rejects.toThrow(/change fails/);
    expect(await jobStates(store)).toEqual([]);
    await store.db.$transaction(async (tx) => {
      await tx.project.create({ data: { name: "committed", alembicPath: "./alembic.ini" } });
      await enqueue(tx, job, { n: 2 });
    });
    expect(await jobStates(store)).toEqual(["created"]);
    await expect(enqueue(store.db, job, { n: 1.5 })).rejects.toThrow();
  });

  it("runs a scheduled job once per due minute across two instances", async () => {
    const ran: string[] = [];
    const job = (name: string) => defineJob(NAME, ZData, async () => void ran.push(name));
    const start = Date.now();
    await Promise.all([instance([job("a")]), instance([job("b")])]);
    await Promise.all(queues.map((q) => q.schedule(job("a"), "* * * * *", { n: 0 })));
    await until(() => ran.length >= 1);
    await new Promise((r) => setTimeout(r, 3000));
    const minutes = new Set([start, Date.now()].map((t) => Math.floor(t / 60_000))).size;
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThanOrEqual(minutes);
    await queues[0]!.unschedule(job("a"));
  });
});

describe("the job queue on the embedded store (PGlite)", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-jobs-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("installs its tables with the store, runs jobs, retries, and enqueues in a transaction", async () => {
    const seen: number[] = [];
    const job = defineJob(
      NAME,
      ZData,
      async ({ n }) => {
        seen.push(n);
        if (n === 2 && seen.filter((x) => x === 2).length === 1) throw new Error("fails once");
      },
      { retryLimit: 1, retryDelaySeconds: 1 },
    );
    const store = await openStore({ dataDir: tmp });
    const queue = await createJobQueue(store, [job], FAST);
    try {
      await enqueue(store.db, job, { n: 1 }, { singletonKey: "one" });
      await store.db.$transaction(async (tx) => {
        await tx.project.create({ data: { name: "shop", alembicPath: "./alembic.ini" } });
        await enqueue(tx, job, { n: 2 }, { singletonKey: "two" });
      });
      await until(() => seen.filter((x) => x === 2).length === 2 && seen.includes(1));
      await until(async () => (await jobStates(store)).join() === "completed,completed");
    } finally {
      await queue.stop(1000);
      await store.close();
    }
    // Opening again finds the queue's tables installed: nothing to do, nothing lost.
    const again = await openStore({ dataDir: tmp });
    expect(await jobStates(again)).toEqual(["completed", "completed"]);
    await again.close();
  });
});
