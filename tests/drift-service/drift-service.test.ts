import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readEnvironmentDriftFact } from "@/lib/drift-service/detect-project-drift";
import { describeDriftFinding } from "@/lib/drift-service/describe-drift-finding";
import { parseAlembicVersion, supportsCheck } from "@/lib/drift-service/parse-alembic-version";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { recordBaselineAfterRun } from "@/lib/drift-service/record-baseline-after-run";
import { planRun } from "@/lib/runs/plan-run";
import { runExecution } from "@/lib/runs/start-run";
import { createTestDatabase, withClient } from "@/tests/support/databases";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade, eventually } from "@/tests/signoffs/support";
import * as driftRoute from "@/app/api/projects/[project]/drift/route";
import * as baselineRoute from "@/app/api/projects/[project]/envs/[env]/baseline/route";
import * as checkRoute from "@/app/api/projects/[project]/envs/[env]/alembic-check/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as readRoute from "@/app/api/projects/[project]/envs/[env]/schema-reading/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
const drops: Array<() => Promise<void>> = [];
let fixture: ReturnType<typeof copyFixtureProject>;
let qaUrl: string, stagingUrl: string;
let rm: User, viewer: User, qa: User;
const P = "drift-shop";
const SECRET = "s3cret-Drift-pw";

const sql = (url: string, text: string) => withClient(url, (c) => c.query(text));
const drift = async (user: User | undefined, project = P) => driftRoute.GET(request("GET", `/api/projects/${project}/drift`, { cookie: user?.cookie }), ctx({ project }));
const baseline = (user: User | undefined, env: string) => baselineRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/baseline`, { cookie: user?.cookie, body: {} }), ctx({ project: P, env }));
// The drift API answers from stored schema readings; "Read now" takes one (issue 15: drift off the request path).
const readNow = async (env: string, project = P) => expect((await readRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/schema-reading`, { cookie: rm.cookie, body: {} }), ctx({ project, env }))).status).toBe(200);
const check = (user: User | undefined, env: string) => checkRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/alembic-check`, { cookie: user?.cookie, body: {} }), ctx({ project: P, env }));

beforeAll(async () => {
  app = await useAppStore("cairn_drift_service");
  db = app.db;
  const [a, b] = await Promise.all([createTestDatabase("cairn_drift_qa"), createTestDatabase("cairn_drift_staging")]);
  drops.push(a.drop, b.drop);
  qaUrl = a.url;
  stagingUrl = b.url;
  fixture = copyFixtureProject(["lab"]);
  // Both brought to d4 by real Alembic: same revision, same schema.
  alembicUpgrade(fixture.dir, qaUrl, "d4");
  alembicUpgrade(fixture.dir, stagingUrl, "d4");
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: qaUrl },
      { name: "staging", url: stagingUrl },
      // Unreachable, with a password in its URL that must never surface.
      { name: "broken", url: `postgresql://cairn:${SECRET}@127.0.0.1:1/nowhere` },
    ],
  });
  await seedProject(db, { name: "lab", dir: fixture.dir, envs: [{ name: "lab", url: fixture.urls.lab! }] });
  [rm, viewer, qa] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "viewer"), signedIn(db, "qa")]);
}, 90_000);

afterAll(async () => {
  await app?.close();
  for (const d of drops.reverse()) await d().catch(() => {});
  fixture?.remove();
});

describe("drift across environments", () => {
  it("identical environments at the same revision: no finding; the unreachable one says why, without its password", async () => {
    expect((await drift(undefined)).status).toBe(401);
    for (const env of ["qa", "staging", "broken"]) await readNow(env);
    const res = await drift(viewer);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const d = JSON.parse(text);
    expect(d.findings).toEqual([]);
    const [q, s, broken] = d.environments;
    expect(q).toMatchObject({ name: "qa", revisions: ["d4"], peers: ["staging"], differences: 0, baseline: null, error: null });
    expect(s.fingerprint).toBe(q.fingerprint);
    expect(broken).toMatchObject({ name: "broken", fingerprint: null, differences: null });
    expect(broken.error).toMatch(/^Cairn could not read broken's version table \(connection refused/);
  });

  it("a column altered by hand on one: a finding with the exact difference, and the drift gate sees it", async () => {
    await sql(stagingUrl, "ALTER TABLE customers ALTER COLUMN name SET NOT NULL");
    // Until staging's schema is read again, the stored reading stands (and says when it was taken).
    expect((await body(await drift(viewer))).findings).toEqual([]);
    await readNow("staging");
    const d = await body(await drift(viewer));
    expect(d.findings).toHaveLength(1);
    const f = d.findings[0];
    expect(f).toMatchObject({ kind: "environments-differ", left: "qa", right: "staging", revisionKey: "d4" });
    expect(f.message).toBe("qa and staging are both at revision d4 but their schemas differ (1 difference)");
    expect(f.differences).toEqual([{ kind: "column-nullable", object: "customers.name", left: "nullable", right: "NOT NULL", message: "customers.name: nullable → NOT NULL" }]);
    expect(describeDriftFinding(f)).toBe("staging differs from qa at the same revision (1 difference)");
    expect(d.environments.find((e: { name: string }) => e.name === "staging")).toMatchObject({ differences: 1 });

    // The run gate now compares with the other environment at the same revision, not only a baseline.
    expect(await readEnvironmentDriftFact(db, P, "staging")).toEqual({ findings: 1, against: ["qa at the same revision"] });
    const planned = await planRun(db, { project: P, environment: "staging", kind: "upgrade", target: "e5", actor: { kind: "user", userId: rm.id, email: rm.email, name: "", role: "release_manager" } });
    expect(planned.gates.find((g) => g.id === "schema-drift")).toMatchObject({ verdict: "warn", reason: expect.stringMatching(/^staging's schema differs from qa at the same revision in 1 place/) });
    await sql(stagingUrl, "ALTER TABLE customers ALTER COLUMN name DROP NOT NULL");
    await readNow("staging");
    expect((await body(await drift(viewer))).findings).toEqual([]);
  }, 60_000);

  it("take baseline now: release managers only, audited; an index dropped afterwards is a baseline finding", async () => {
    expect((await baseline(undefined, "qa")).status).toBe(401);
    for (const u of [viewer, qa]) expect((await baseline(u, "qa")).status).toBe(403);
    const unreachable = await baseline(rm, "broken");
    expect(unreachable.status).toBe(502);
    const unreachableText = await unreachable.text();
    expect(unreachableText).not.toContain(SECRET);
    expect(JSON.parse(unreachableText).error.message).toMatch(/No baseline was recorded\.$/);

    const res = await baseline(rm, "qa");
    expect(res.status).toBe(201);
    const b = (await body(res)).baseline;
    expect(b).toMatchObject({ environment: "qa", revisions: ["d4"], source: "manual" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.record", environment: "qa" } });
    expect(audit).toMatchObject({ actor: rm.email, toRevision: "d4", outcome: "ok" });
    expect(audit.details).toMatchObject({ source: "manual", baselineId: b.id });

    let d = await body(await drift(viewer));
    expect(d.findings).toEqual([]);
    expect(d.environments[0].baseline).toMatchObject({ source: "manual", matches: true, fingerprint: b.fingerprint });

    await sql(qaUrl, "DROP INDEX ix_orders_customer_id");
    await readNow("qa");
    d = await body(await drift(viewer));
    const byKind = Object.fromEntries(d.findings.map((f: { kind: string }) => [f.kind, f]));
    expect(byKind["baseline-differs"]).toMatchObject({ environment: "qa", revisionKey: "d4" });
    expect(byKind["baseline-differs"].differences.map((x: { message: string }) => x.message)).toEqual(["index ix_orders_customer_id only on baseline"]);
    expect(byKind["baseline-differs"].message).toMatch(/^qa differs from the baseline recorded at revision d4 on .* \(1 difference\)$/);
    // qa is also the odd one out against staging now.
    expect(byKind["environments-differ"].differences.map((x: { message: string }) => x.message)).toEqual(["index ix_orders_customer_id only on staging"]);
    expect(d.environments[0].baseline.matches).toBe(false);
  }, 60_000);
});

describe("snapshots of SQLite environments", () => {
  it("reads a SQLite file read-only and reports a missing one plainly", async () => {
    alembicUpgrade(fixture.dir, fixture.urls.lab!, "c3");
    const before = fs.statSync(fixture.urls.lab!.slice("sqlite:///".length)).mtimeMs;
    const r = await readEnvironmentSnapshot({ url: fixture.urls.lab!, baseDir: fixture.dir, versionTable: "alembic_version", timeoutMs: 1000 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.snapshot.tables.map((t) => t.name).sort()).toEqual(["customers", "orders"]);
    expect(fs.statSync(fixture.urls.lab!.slice("sqlite:///".length)).mtimeMs).toBe(before);
    const missing = await readEnvironmentSnapshot({ url: "sqlite:///nope/missing.db", baseDir: fixture.dir, versionTable: "alembic_version", timeoutMs: 1000 });
    expect(missing).toEqual({ ok: false, reason: "SQLite file missing", message: `SQLite file missing: ${path.join(fixture.dir, "nope/missing.db")} does not exist` });
  });

  it("a successful run records a baseline by itself (source run); an unsucceeded run records none", async () => {
    const res = await envRunsRoute.POST(request("POST", "/api/projects/lab/envs/lab/runs", { cookie: rm.cookie, body: { kind: "upgrade", target: "d4" } }), ctx({ project: "lab", env: "lab" }));
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    expect((await runExecution(runId))?.status).toBe("succeeded");
    const b = await eventually(() => db.schemaBaseline.findFirst({ where: { source: "run", environment: { name: "lab" } } }));
    expect(b.revisionKey).toBe("d4");
    const audit = await eventually(() => db.auditEvent.findFirst({ where: { action: "baseline.record", environment: "lab" } }));
    expect(audit).toMatchObject({ actor: "cairn", runId, project: "lab" });
    expect(audit.details).toMatchObject({ source: "run", runId });

    // Hand-made change on the SQLite file: drift against the run's baseline.
    const file = new Database(fixture.urls.lab!.slice("sqlite:///".length));
    file.exec("ALTER TABLE customers ADD COLUMN nickname VARCHAR(20)");
    file.close();
    // The run's own reading (trigger "run") is what the pages showed until now; read again to see the change.
    expect(await db.schemaReading.count({ where: { trigger: "run", environmentId: b.environmentId, ok: true } })).toBe(1);
    await readNow("lab", "lab");
    const d = await body(await drift(viewer, "lab"));
    expect(d.findings.map((f: { message: string }) => f.message)).toEqual([expect.stringMatching(/^lab differs from the baseline recorded at revision d4 on .* \(1 difference\)$/)]);
    expect(d.findings[0].differences[0].message).toBe("column customers.nickname only on lab");

    const failed = await db.run.create({
      data: { projectId: (await db.project.findUniqueOrThrow({ where: { name: "lab" } })).id, environmentId: b.environmentId, kind: "upgrade", status: "failed", target: "e5", requestedById: rm.id },
    });
    expect(await recordBaselineAfterRun(db, failed, null, {})).toBeNull();
  }, 60_000);
});

describe("alembic check", () => {
  it("parses versions", () => {
    expect(parseAlembicVersion("alembic 1.8.1\n")).toMatchObject({ major: 1, minor: 8, patch: 1, text: "1.8.1" });
    expect(supportsCheck(parseAlembicVersion("alembic 1.9.0")!)).toBe(true);
    expect(supportsCheck(parseAlembicVersion("alembic 1.13.2")!)).toBe(true);
    expect(supportsCheck(parseAlembicVersion("alembic 1.8.1")!)).toBe(false);
    expect(parseAlembicVersion("command not found")).toBeUndefined();
  });

  it("says plainly it is not available with the installed Alembic 1.8.1; viewers are refused", async () => {
    expect((await check(undefined, "qa")).status).toBe(401);
    expect((await check(viewer, "qa")).status).toBe(403);
    const res = await check(qa, "qa");
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({
      available: false,
      version: "1.8.1",
      message: "alembic check is not available: this project's Alembic is 1.8.1; it needs 1.9 or newer (pip install -U alembic) and importable models (target_metadata in env.py).",
    });
  });
});
