/**
 * Drift off the request path (issue 15): schema readings are taken in the background or on demand and
 * stored; the overview's drift summary and the drift API read the stored ones, and a plan reads only its
 * target's schema, once, for the drift gate and lint's type-aware rules together. Real PostgreSQL,
 * MariaDB and SQLite, real Alembic; a TCP proxy in front of PostgreSQL counts the schema reads
 * (Cairn's introspection connects as application_name "cairn-drift") or plays a target that hangs.
 */
import net from "node:net";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DriftSummary } from "@/components/drift/drift-summary";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";
import { environmentsDueForReading } from "@/lib/drift-service/schema-readings";
import { SCHEMA_READ_INTERVAL_MS, SCHEMA_READ_JITTER_MS } from "@/lib/drift/reading-age";
import { planRun } from "@/lib/runs/plan-run";
import { createTestDatabase, PG_ADMIN_URL } from "@/tests/support/databases";
import { createMysqlTestDatabase } from "@/tests/support/mysql-databases";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { ALEMBIC, copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade } from "@/tests/signoffs/support";
import { spawnSync } from "node:child_process";
import * as driftRoute from "@/app/api/projects/[project]/drift/route";
import * as readRoute from "@/app/api/projects/[project]/envs/[env]/schema-reading/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
const drops: Array<() => Promise<void>> = [];
const closers: Array<() => void> = [];
let fixture: ReturnType<typeof copyFixtureProject>;
let rm: User, viewer: User, qa: User;
const P = "readings-shop";

/**
 * A TCP proxy to local PostgreSQL that counts connections whose startup message names
 * application_name "cairn-drift" (a schema read); `hang` makes it accept and never answer, like a
 * target behind a dead network path.
 */
async function pgProxy(): Promise<{ port: number; schemaReads: () => number; connections: () => number; hang: (on: boolean) => void }> {
  const upstream = new URL(PG_ADMIN_URL);
  let reads = 0;
  let conns = 0;
  let hanging = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    conns++;
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    if (hanging) return;
    sock.once("data", (first) => {
      if (first.includes("cairn-drift")) reads++;
      const up = net.connect(Number(upstream.port || 5432), upstream.hostname);
      up.on("error", () => sock.destroy());
      sock.on("close", () => up.destroy());
      up.write(first);
      sock.pipe(up);
      up.pipe(sock);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, schemaReads: () => reads, connections: () => conns, hang: (on) => (hanging = on) };
}

const viaProxy = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};
const readNow = (user: User | undefined, env: string) => readRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/schema-reading`, { cookie: user?.cookie, body: {} }), ctx({ project: P, env }));
const drift = async (user: User) => body(await driftRoute.GET(request("GET", `/api/projects/${P}/drift`, { cookie: user.cookie }), ctx({ project: P })));
const actor = () => ({ kind: "user" as const, userId: rm.id, email: rm.email, name: "", role: "release_manager" as const });

let qaProxy: Awaited<ReturnType<typeof pgProxy>>, stagingProxy: Awaited<ReturnType<typeof pgProxy>>;
let mariaUrl: string;

beforeAll(async () => {
  app = await useAppStore("cairn_schema_readings");
  db = app.db;
  const [a, b, m] = await Promise.all([createTestDatabase("cairn_readings_qa"), createTestDatabase("cairn_readings_staging"), createMysqlTestDatabase("readings")]);
  drops.push(a.drop, b.drop, m.drop);
  fixture = copyFixtureProject(["lab"]);
  alembicUpgrade(fixture.dir, a.url, "d4");
  alembicUpgrade(fixture.dir, b.url, "d4");
  alembicUpgrade(fixture.dir, fixture.urls.lab!, "d4");
  const up = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), "upgrade", "d4"], { cwd: fixture.dir, env: { ...process.env, DATABASE_URL: m.url }, encoding: "utf8" });
  if (up.status !== 0) throw new Error(up.stderr);
  mariaUrl = m.url;
  [qaProxy, stagingProxy] = await Promise.all([pgProxy(), pgProxy()]);
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: viaProxy(a.url, qaProxy.port) },
      { name: "staging", url: viaProxy(b.url, stagingProxy.port) },
      { name: "lab", url: fixture.urls.lab! },
      { name: "maria", url: mariaUrl },
    ],
  });
  [rm, viewer, qa] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "viewer"), signedIn(db, "qa")]);
}, 120_000);

afterAll(async () => {
  for (const c of closers) c();
  await app?.close();
  for (const d of drops.reverse()) await d().catch(() => {});
  fixture?.remove();
});

describe("schema readings", () => {
  it("the drift API reads no target: an environment never read says so; Read now (qa and release managers) stores a reading on PostgreSQL, SQLite and MariaDB", async () => {
    let d = await drift(viewer);
    expect(d.environments.map((e: { readAt: string | null }) => e.readAt)).toEqual([null, null, null, null]);
    expect(d.environments[0].error).toMatch(/^qa's schema has not been read yet/);
    expect(qaProxy.connections() + stagingProxy.connections()).toBe(0);
    expect(await db.schemaReading.count()).toBe(0);

    expect((await readNow(undefined, "qa")).status).toBe(401);
    expect((await readNow(viewer, "qa")).status).toBe(403);
    for (const [user, env] of [
      [qa, "qa"],
      [rm, "staging"],
      [rm, "lab"],
      [qa, "maria"],
    ] as const) {
      const res = await readNow(user, env);
      expect(res.status).toBe(200);
      expect((await body(res)).reading).toMatchObject({ environment: env, ok: true, revisions: ["d4"], error: null, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    expect(await db.schemaReading.count({ where: { trigger: "demand", ok: true } })).toBe(4);
    d = await drift(viewer);
    expect(d.environments.map((e: { name: string; readAt: string | null; stale: boolean }) => [e.name, e.readAt !== null, e.stale])).toEqual([
      ["qa", true, false],
      ["staging", true, false],
      ["lab", true, false],
      ["maria", true, false],
    ]);
    // qa and staging (PostgreSQL) at d4 with the same schema; SQLite and MariaDB render it in their own types, so they are compared as environments too.
    expect(d.environments[1].fingerprint).toBe(d.environments[0].fingerprint);
  }, 90_000);

  it("the overview's drift summary answers from the stored readings, with their age, while a target hangs", async () => {
    stagingProxy.hang(true);
    const before = stagingProxy.connections();
    try {
      const t0 = performance.now();
      const html = renderToStaticMarkup((await DriftSummary({ projectName: P }))!);
      const ms = performance.now() - t0;
      // A read of the hanging target would wait for its connect timeout (3 s) at least.
      expect(ms).toBeLessThan(2000);
      expect(stagingProxy.connections()).toBe(before);
      expect(html).toMatch(/Schemas checked for drift: read (just now|\d+ s ago)/);
    } finally {
      stagingProxy.hang(false);
    }
  }, 30_000);

  it("a reading that failed is shown as failed, not as no drift", async () => {
    stagingProxy.hang(true);
    try {
      await db.environment.updateMany({ where: { name: "staging", project: { name: P } }, data: { timeoutMs: 300 } });
      const r = await refreshSchemaReading(db, { project: P, environment: "staging", trigger: "schedule" });
      expect(r.snapshot).toBeNull();
      expect(r.error).toMatch(/^Cairn could not read staging's version table \(/);
    } finally {
      stagingProxy.hang(false);
      await db.environment.updateMany({ where: { name: "staging", project: { name: P } }, data: { timeoutMs: 3000 } });
    }
    const d = await drift(viewer);
    expect(d.environments[1]).toMatchObject({ name: "staging", fingerprint: null, differences: null, error: expect.stringMatching(/^Cairn could not read staging's version table/) });
    const html = renderToStaticMarkup((await DriftSummary({ projectName: P }))!);
    expect(html).toMatch(/staging&#x27;s schema could not be read (just now|\d+ s ago): drift there is unknown\./);
    await readNow(rm, "staging");
  }, 30_000);

  it("a plan reads its target's schema once (drift gate and lint together) and no other environment's", async () => {
    const [q0, s0] = [qaProxy.schemaReads(), stagingProxy.schemaReads()];
    const plan = await planRun(db, { project: P, environment: "staging", kind: "upgrade", target: "e5", actor: actor() });
    expect(plan.gates.find((g) => g.id === "schema-drift")).toMatchObject({ verdict: "pass" });
    expect(plan.gates.find((g) => g.id === "lint")).toBeDefined();
    expect(stagingProxy.schemaReads() - s0).toBe(1);
    expect(qaProxy.schemaReads() - q0).toBe(0);
    // The plan's reading is stored: the pages now show it.
    expect(await db.schemaReading.count({ where: { trigger: "plan", environment: { name: "staging" } } })).toBe(1);
  }, 90_000);

  it("the schedule: an environment is due when never read or read longer ago than the interval plus its jitter", async () => {
    const mine = async (now?: number) => (await environmentsDueForReading(db, now)).filter((e) => e.project === P).map((e) => e.environment);
    expect(await mine()).toEqual([]);
    expect(await mine(Date.now() + SCHEMA_READ_INTERVAL_MS + SCHEMA_READ_JITTER_MS)).toEqual(["qa", "staging", "lab", "maria"]);
    await db.schemaReading.deleteMany({ where: { environment: { name: "maria", project: { name: P } } } });
    expect(await mine()).toEqual(["maria"]);
  });
});
