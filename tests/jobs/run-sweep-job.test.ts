import { afterAll, describe, expect, it, vi } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { createJobQueue, type JobQueue } from "@/lib/jobs/job-queue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { runSweepJob, startRunSweeps } from "@/lib/runs/run-sweep-job";
import { createTestDatabase } from "@/tests/support/databases";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe("the stale-run sweeps, a job once across instances", () => {
  const stores: Store[] = [];
  const queues: JobQueue[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  afterAll(async () => {
    for (const q of queues) await q.stop(1000);
    for (const s of stores) await s.close();
    await database?.drop();
  });

  it("keeps one sweep waiting however many instances seed it, and chains the next one", async () => {
    vi.stubEnv("CAIRN_RUN_STALE_MS", "10000"); // a sweep every 5 s
    database = await createTestDatabase("cairn_sweeps");
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ databaseUrl: database.url });
      stores.push(store);
      const queue = await createJobQueue(store, [runSweepJob], { pollingIntervalSeconds: 0.5 });
      queues.push(queue);
      await startRunSweeps(store.db, queue);
      await startRunSweeps(store.db, queue); // a restart seeds again
    }
    const states = async () => (await stores[0]!.db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM ${JOB_SCHEMA}.job WHERE name = $1`, queueName("run-sweep"))).map((r) => r.state);
    const end = Date.now() + 120_000;
    while ((await states()).filter((s) => s === "completed").length < 4) {
      if (Date.now() > end) throw new Error(`sweeps did not chain: ${(await states()).join()}`);
      const now = await states();
      expect(now.filter((s) => s === "created").length).toBeLessThanOrEqual(1);
      expect(now.filter((s) => s === "active").length).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Chained 5 s apart. At start-up a seed may add a sweep while the first runs (one waiting, one
    // running is the most the queue allows), and the schedule's first due time may too; then the chain.
    const done = await stores[0]!.db.$queryRawUnsafe<{ started_on: Date }[]>(`SELECT started_on FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state = 'completed' ORDER BY started_on`, queueName("run-sweep"));
    expect(done[3]!.started_on.getTime() - done[2]!.started_on.getTime()).toBeGreaterThanOrEqual(4000);
    expect((await states()).filter((s) => s === "created")).toHaveLength(1);
  });
});
