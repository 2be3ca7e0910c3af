/**
 * Drift off the request path (issue 15) and "drift found on a protected environment" (issue 17): the
 * schema-read job and its sweep on real pg-boss, on a real PostgreSQL store, reading real PostgreSQL
 * and SQLite targets. A page render reads no target; a stamp queues its reading in the stamp's
 * transaction; two instances' sweeps read each due environment once per due period; drift.found is
 * emitted once when a protected environment newly drifts, never for an unprotected one.
 */
import Database from "better-sqlite3";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DriftSummary } from "@/components/drift/drift-summary";
import { getStore, openStore, type Store } from "@/lib/db/client";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";
import { enqueueSchemaRead, schemaReadJob } from "@/lib/drift-service/schema-read-job";
import { schemaReadSweepJob, startSchemaReadSweeps } from "@/lib/drift-service/schema-read-sweep-job";
import { readingJitterMs } from "@/lib/drift/reading-age";
import { createJobQueue, type JobQueue } from "@/lib/jobs/job-queue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { stampEnvironment } from "@/lib/runs/stamp-environment";
import { createWebhook } from "@/lib/webhooks/manage-webhooks";
import type { WebhookPayload } from "@/lib/webhooks/webhook-events";
import { signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade, eventually } from "@/tests/signoffs/support";
import { createTestDatabase } from "@/tests/support/databases";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let fixture: ReturnType<typeof copyFixtureProject>;
const queues: JobQueue[] = [];
const stores: Store[] = [];
const drops: Array<() => Promise<void>> = [];
const KEY = Buffer.alloc(32, 7);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readingsOf = (d: PrismaClient, environmentId: string) => d.schemaReading.findMany({ where: { environmentId }, orderBy: { readAt: "asc" } });
const schemaReadJobs = (d: PrismaClient) =>
  d.$queryRawUnsafe<{ id: string; state: string; key: string | null; data: { trigger: string } }[]>(`SELECT id, state::text, singleton_key AS key, data FROM ${JOB_SCHEMA}.job WHERE name = $1`, queueName("schema-read"));
/** Adds a column by hand, as a hotfix would. */
const addColumn = (url: string, column: string) => {
  const d = new Database(url.slice("sqlite:///".length));
  d.exec(`ALTER TABLE customers ADD COLUMN ${column} TEXT`);
  d.close();
};

beforeAll(async () => {
  app = await useAppStore("cairn_schema_read_jobs");
  db = app.db;
  fixture = copyFixtureProject(["stamped", "qa", "production", "dev", "staging", "qa3", "staging3", "production3", "held", "stuck", "other"]);
  for (const name of ["stamped", "qa", "production", "dev", "staging", "qa3", "production3"]) alembicUpgrade(fixture.dir, fixture.urls[name]!, "c3");
});

afterAll(async () => {
  for (const q of queues) await q.stop(1000).catch(() => {});
  for (const s of stores) await s.close();
  await app?.close();
  for (const d of drops.reverse()) await d().catch(() => {});
  fixture?.remove();
  vi.unstubAllEnvs();
});

describe("schema readings off the request path", () => {
  it("a page render reads no target database and leaves an environment never read to the background", async () => {
    const { envs } = await seedProject(db, {
      name: "render-shop",
      dir: fixture.dir,
      envs: [
        { name: "closed", url: "postgresql://postgres@127.0.0.1:1/nothing" }, // a closed port: a read would store a failed reading at once
        { name: "never", url: fixture.urls.qa! },
      ],
    });
    const html = renderToStaticMarkup((await DriftSummary({ projectName: "render-shop" }))!);
    expect(html).toContain("closed&#x27;s schema has not been read yet (it is read in the background shortly): drift there is unknown.");
    await sleep(2000); // what a render started in the background would have stored by now
    for (const e of envs) expect(await readingsOf(db, e.id)).toEqual([]);
  });

  it("a stamp queues its environment's reading in its own transaction; a job worker takes the reading", async () => {
    const { envs } = await seedProject(db, { name: "stamp-shop", dir: fixture.dir, envs: [{ name: "stamped", url: fixture.urls.stamped! }] });
    const rm = await signedIn(db, "release_manager");
    const actor = { kind: "user" as const, userId: rm.id, email: rm.email, name: "", role: "release_manager" as const };
    const out = await stampEnvironment(db, { project: "stamp-shop", environment: "stamped", actor, request: { revisions: ["e5"], typedConfirmation: "stamped", reason: "hand-applied e5 during the outage" } }, serverUrlOptions());
    expect(out.status).toBe("succeeded");
    // No worker runs yet: the reading waits in the queue, and nothing read the target behind the caller's back.
    await sleep(1500);
    expect(await readingsOf(db, envs[0]!.id)).toEqual([]);
    expect(await schemaReadJobs(db)).toEqual([expect.objectContaining({ state: "created", key: envs[0]!.id, data: { environmentId: envs[0]!.id, trigger: "stamp" } })]);

    queues.push(await createJobQueue(await getStore(), [schemaReadJob], { pollingIntervalSeconds: 0.5 }));
    const [reading] = await eventually(async () => {
      const r = await readingsOf(db, envs[0]!.id);
      return r.length ? r : null;
    }, 30_000);
    expect(reading).toMatchObject({ trigger: "stamp", ok: true, revisions: ["e5"], error: null });
    await eventually(async () => (await schemaReadJobs(db)).every((j) => j.state === "completed"));
  });

  describe("drift.found", () => {
    let production: string, staging: string;

    /** The background's next reading of an environment: its last reading backdated a day, so the sweep's job finds it due, then run by the worker started above. */
    async function scheduledReading(environmentId: string): Promise<string> {
      await db.$executeRaw`UPDATE "SchemaReading" SET "readAt" = "readAt" - interval '1 day' WHERE "environmentId" = ${environmentId}`;
      const jobId = await enqueueSchemaRead(db, environmentId, "schedule");
      expect(jobId).not.toBeNull();
      await eventually(async () => (await schemaReadJobs(db)).find((j) => j.id === jobId && j.state === "completed"), 30_000);
      const readings = await readingsOf(db, environmentId);
      const newest = readings.at(-1)!;
      expect(newest.trigger).toBe("schedule");
      return newest.id;
    }
    const driftDeliveries = async (project: string) =>
      (await db.webhookDelivery.findMany({ where: { event: "drift.found", webhook: { project: { name: project } } }, orderBy: { createdAt: "asc" } })).map((d) => d.payload as unknown as WebhookPayload);

    beforeAll(async () => {
      const admin = await signedIn(db, "admin");
      const actor = { kind: "user" as const, userId: admin.id, email: admin.email, name: "", role: "admin" as const };
      const a = await seedProject(db, {
        name: "drift-shop",
        dir: fixture.dir,
        envs: [
          { name: "qa", url: fixture.urls.qa! },
          { name: "production", url: fixture.urls.production!, protected: true },
        ],
      });
      const b = await seedProject(db, {
        name: "drift-lab",
        dir: fixture.dir,
        envs: [
          { name: "dev", url: fixture.urls.dev! },
          { name: "staging", url: fixture.urls.staging! },
        ],
      });
      production = a.envs[1]!.id;
      staging = b.envs[1]!.id;
      // Deliveries stay pending (no delivery worker here): each row is one event told.
      for (const project of ["drift-shop", "drift-lab"]) await createWebhook(db, actor, project, { name: "ops", url: "http://127.0.0.1:9/hooks/cairn?token=s3cr3t", format: "json", events: ["drift.found"] }, { key: KEY });
      await refreshSchemaReading(db, { project: "drift-shop", environment: "qa", trigger: "demand" });
      await refreshSchemaReading(db, { project: "drift-lab", environment: "dev", trigger: "demand" });
    });

    it("is emitted once when a protected environment drifts, not again while the drift stays the same, and again for other drift", async () => {
      await scheduledReading(production); // never read: due at once
      expect(await driftDeliveries("drift-shop")).toEqual([]);

      addColumn(fixture.urls.production!, "hotfix");
      const found = await scheduledReading(production);
      const sent = await driftDeliveries("drift-shop");
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ event: "drift.found", project: "drift-shop", data: { environment: "production", differences: 1, readingId: found } });
      expect(sent[0]!.summary).toBe("production: schema drift found, 1 difference from qa at the same revision");
      expect(JSON.stringify(sent)).not.toMatch(/sqlite|127\.0\.0\.1|s3cr3t/);

      await scheduledReading(production); // still drifted, the same way
      expect(await driftDeliveries("drift-shop")).toHaveLength(1);

      addColumn(fixture.urls.production!, "second_hotfix");
      const other = await scheduledReading(production);
      const again = await driftDeliveries("drift-shop");
      expect(again).toHaveLength(2);
      expect(again[1]).toMatchObject({ data: { environment: "production", differences: 2, readingId: other } });
    });

    it("is not emitted again when another environment joins, then leaves, the drifted one's revision", async () => {
      const admin = await signedIn(db, "admin");
      const actor = { kind: "user" as const, userId: admin.id, email: admin.email, name: "", role: "admin" as const };
      const { envs } = await seedProject(db, {
        name: "drift-trio",
        dir: fixture.dir,
        envs: [
          { name: "qa", url: fixture.urls.qa3! },
          { name: "staging", url: fixture.urls.staging3! },
          { name: "production", url: fixture.urls.production3!, protected: true },
        ],
      });
      const prod = envs[2]!.id;
      await createWebhook(db, actor, "drift-trio", { name: "ops", url: "http://127.0.0.1:9/hooks/cairn", format: "json", events: ["drift.found"] }, { key: KEY });
      alembicUpgrade(fixture.dir, fixture.urls.staging3!, "b2");
      await refreshSchemaReading(db, { project: "drift-trio", environment: "qa", trigger: "demand" });
      await refreshSchemaReading(db, { project: "drift-trio", environment: "staging", trigger: "demand" });
      addColumn(fixture.urls.production3!, "hotfix");
      await scheduledReading(prod);
      expect((await driftDeliveries("drift-trio")).map((d) => d.summary)).toEqual(["production: schema drift found, 1 difference from qa at the same revision"]);

      // staging is promoted to production's revision (it lacks the hand-added column, as qa does): the same drift.
      alembicUpgrade(fixture.dir, fixture.urls.staging3!, "c3");
      await refreshSchemaReading(db, { project: "drift-trio", environment: "staging", trigger: "demand" });
      await scheduledReading(prod);
      // staging moves on: still the same drift.
      alembicUpgrade(fixture.dir, fixture.urls.staging3!, "d4");
      await refreshSchemaReading(db, { project: "drift-trio", environment: "staging", trigger: "demand" });
      await scheduledReading(prod);
      expect(
        (await driftDeliveries("drift-trio")).map((d) => d.summary),
        "one drift, told once",
      ).toHaveLength(1);
    });

    it("is never emitted for an unprotected environment, drifted as it is", async () => {
      await scheduledReading(staging);
      addColumn(fixture.urls.staging!, "hotfix");
      await scheduledReading(staging);
      await scheduledReading(staging);
      const drift = await detectProjectDrift(db, "drift-lab");
      expect(drift.environments.find((e) => e.name === "staging")).toMatchObject({ protected: false, differences: 1 });
      expect(await driftDeliveries("drift-lab")).toEqual([]);
    });
  });
});

describe("one environment's reading that runs long", () => {
  it("holds up no other environment's reading, and a stamp's reading behind a waiting scheduled one is never skipped as not due", async () => {
    const { envs } = await seedProject(db, {
      name: "held-shop",
      dir: fixture.dir,
      envs: [
        { name: "held", url: fixture.urls.held! },
        { name: "stuck", url: fixture.urls.stuck! },
        { name: "other", url: fixture.urls.other! },
      ],
    });
    const [held, stuck, other] = envs.map((e) => e.id) as [string, string, string];
    // held's and stuck's readings are running (on an instance that then died, or on a slow target): their jobs are active for up to expireInSeconds.
    // Meanwhile their version tables moved again (a stamp queues a reading each), and other is due.
    const runningJobs: string[] = [];
    for (const id of [held, stuck]) {
      const running = (await enqueueSchemaRead(db, id, "stamp"))!;
      runningJobs.push(running);
      await db.$executeRawUnsafe(`UPDATE ${JOB_SCHEMA}.job SET state = 'active', started_on = now() WHERE id = $1::uuid`, running);
      expect(await enqueueSchemaRead(db, id, "stamp")).not.toBeNull();
    }
    expect(await enqueueSchemaRead(db, other, "schedule")).not.toBeNull();
    queues.push(await createJobQueue(await getStore(), [schemaReadJob], { pollingIntervalSeconds: 0.5 }));
    const read = await eventually(async () => ((await readingsOf(db, other)).length ? true : null), 20_000).catch(() => false);
    expect(read, "other was not read while held's reading ran").toBe(true);
    await eventually(async () => ((await readingsOf(db, held)).length ? true : null), 20_000);
    // The dead instance's jobs end (pg-boss expires them after expireInSeconds).
    await db.$executeRawUnsafe(`UPDATE ${JOB_SCHEMA}.job SET state = 'completed', completed_on = now() WHERE id = ANY($1::uuid[])`, runningJobs);

    // A scheduled reading waits for held; a stamp comes before it runs; then a reading lands (Read now): the stamp's reading still happens.
    await db.$executeRaw`UPDATE "SchemaReading" SET "readAt" = "readAt" - interval '1 day' WHERE "environmentId" = ${held}`;
    for (const q of queues) await q.stop(1000);
    queues.length = 0;
    expect(await enqueueSchemaRead(db, held, "schedule")).not.toBeNull();
    await enqueueSchemaRead(db, held, "stamp");
    await refreshSchemaReading(db, { project: "held-shop", environment: "held", trigger: "demand" });
    queues.push(await createJobQueue(await getStore(), [schemaReadJob], { pollingIntervalSeconds: 0.5 }));
    await eventually(async () => (await schemaReadJobs(db)).filter((j) => j.key === held).every((j) => j.state === "completed") || null, 20_000);
    expect(
      (await readingsOf(db, held)).map((r) => r.trigger),
      "the stamp's reading was skipped as not due",
    ).toEqual(["stamp", "demand", "stamp"]);
  });
});

describe("the schema-read sweeps, two instances on one store", () => {
  it("read each due environment once per due period (interval plus its jitter), PostgreSQL and SQLite targets alike", async () => {
    vi.stubEnv("CAIRN_SCHEMA_READ_INTERVAL_SECONDS", "6"); // jitter up to 2 s, a sweep every 2 s
    const intervalMs = 6000;
    const store = await createTestDatabase("cairn_schema_sweeps");
    drops.push(store.drop);
    const targets = await Promise.all([createTestDatabase("cairn_sweep_pg1"), createTestDatabase("cairn_sweep_pg2")]);
    drops.push(...targets.map((t) => t.drop));
    for (const t of targets) alembicUpgrade(fixture.dir, t.url, "a1");
    for (let i = 0; i < 2; i++) stores.push(await openStore({ databaseUrl: store.url }));
    const sweepFixture = copyFixtureProject(["lite1", "lite2"]);
    drops.push(async () => sweepFixture.remove());
    const { envs } = await seedProject(stores[0]!.db, {
      name: "sweep-shop",
      dir: sweepFixture.dir,
      envs: [
        { name: "pg1", url: targets[0]!.url },
        { name: "pg2", url: targets[1]!.url },
        { name: "lite1", url: sweepFixture.urls.lite1! },
        { name: "lite2", url: sweepFixture.urls.lite2! },
      ],
    });
    for (const name of ["lite1", "lite2"]) alembicUpgrade(sweepFixture.dir, sweepFixture.urls[name]!, "a1");
    const started = Date.now();
    const instances: JobQueue[] = [];
    for (const s of stores) {
      const queue = await createJobQueue(s, [schemaReadSweepJob, schemaReadJob], { pollingIntervalSeconds: 0.5 });
      instances.push(queue);
      queues.push(queue);
      await startSchemaReadSweeps(s.db, queue);
    }
    await sleep(26_000);
    for (const q of instances) await q.stop(5000);

    for (const e of envs) {
      const readings = await readingsOf(stores[0]!.db, e.id);
      expect(readings.map((r) => [r.trigger, r.ok])).toEqual(readings.map(() => ["schedule", true]));
      // First read within a few sweeps; then one reading per period: never two in one, none missed.
      expect(readings.length).toBeGreaterThanOrEqual(3);
      expect(readings[0]!.readAt.getTime() - started).toBeLessThan(10_000);
      const due = intervalMs + readingJitterMs(e.id, intervalMs);
      for (let i = 1; i < readings.length; i++) {
        const gap = readings[i]!.readAt.getTime() - readings[i - 1]!.readAt.getTime();
        expect(gap).toBeGreaterThanOrEqual(due);
        expect(gap).toBeLessThan(due + 10_000);
      }
    }
  });
});
