// Run integrity, issue 12's promise: what runs is what was reviewed — the same path AND the same
// migration files. A file edited after the review, keeping its revision ids, must not run SQL nobody
// previewed: the request, the approval and the runner's last check under the database lock each
// compare the files' bytes (sha256) with the ones the reviewed SQL was rendered from. Real
// PostgreSQL store, real Alembic on SQLite targets, real files edited on disk.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { prepareRun } from "@/lib/runs/plan-run";
import { requestRun as requestRunLib } from "@/lib/runs/request-run";
import { runExecution, startRun } from "@/lib/runs/start-run";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject, sqliteRevisions, sqliteTables } from "@/tests/runs-api/support";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, bob: User;
let devId: string;

const P = "reviewed-files";
/** Its own project with one unprotected environment, at base in every test that uses it. */
const DEV = "reviewed-files-dev";
const envParams = (env: string, project = P) => ctx({ project, env });
const B2 = () => path.join(fixture.dir, "versions", "b2_add_customer_name.py");
const ENV_PY = () => path.join(fixture.dir, "env.py");
let originalB2: string;
let originalEnvPy: string;

/** The same revision ids, another change: what an edit after the review looks like. */
function editB2() {
  fs.writeFileSync(B2(), originalB2.replace('op.add_column("customers", sa.Column("name", sa.String(100)))', 'op.create_table("smuggled", sa.Column("id", sa.Integer, primary_key=True))'));
}

async function plan(user: User, env: string, b: unknown, project = P) {
  return planRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/runs/plan`, { cookie: user.cookie, body: b }), envParams(env, project));
}
async function requestRun(user: User, env: string, b: unknown, project = P) {
  return envRunsRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/runs`, { cookie: user.cookie, body: b }), envParams(env, project));
}
async function approve(user: User, id: string) {
  return approveRoute.POST(request("POST", `/api/runs/${id}/approve`, { cookie: user.cookie, body: {} }), ctx({ id }));
}
async function auditActions(runId: string) {
  return (await db.auditEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).map((a) => a.action);
}
const actorOf = (u: User): Actor => ({ kind: "user", userId: u.id, email: u.email, name: u.email, role: "release_manager" });
/** dev's plan to `target`, stored as a queued run the way a request stores it, with its execution not yet started. */
async function queueReviewed(target: string) {
  const prepared = await prepareRun(db, { project: DEV, environment: "dev", kind: "upgrade", target, actor: actorOf(alice) });
  const { run } = await requestRunLib(db, {
    actor: actorOf(alice),
    environment: { id: devId, projectId: prepared.environment.projectId, name: "dev", protected: false },
    kind: "upgrade",
    target: prepared.plan.target,
    fromRevisions: prepared.plan.from,
    path: prepared.plan.path.steps.map((s) => s.revision),
    sqlPreview: prepared.plan.sqlPreview,
    reviewedFiles: prepared.plan.reviewedFiles,
    facts: prepared.facts,
    targetIds: prepared.targetIds,
    plannedAt: new Date(),
  });
  return { prepared, run };
}

beforeAll(async () => {
  app = await useAppStore("cairn_reviewed_files");
  db = app.db;
  fixture = copyFixtureProject(["qa", "prod", "dev"]);
  originalB2 = fs.readFileSync(B2(), "utf8");
  originalEnvPy = fs.readFileSync(ENV_PY(), "utf8");
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "prod", url: fixture.urls.prod!, protected: true },
    ],
  });
  devId = (await seedProject(db, { name: DEV, dir: fixture.dir, envs: [{ name: "dev", url: fixture.urls.dev! }] })).envs[0]!.id;
  [alice, bob] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "release_manager")]);
  const qaUser = await signedIn(db, "qa");
  await db.signOff.create({ data: { projectId: seeded.project.id, environmentId: seeded.envs[0]!.id, toRevision: "c3", revisions: ["a1", "b2", "c3"], userId: qaUser.id } });
  // qa holds c3 through a real Cairn run, so promotion order passes for prod.
  const res = await requestRun(alice, "qa", { kind: "upgrade", target: "c3" });
  expect(res.status).toBe(202);
  expect((await runExecution((await body(res)).runId))?.status).toBe("succeeded");
}, 90_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

beforeEach(async () => {
  fs.writeFileSync(B2(), originalB2);
  fs.writeFileSync(ENV_PY(), originalEnvPy);
  await db.run.updateMany({ where: { status: { in: ["awaiting_approval", "queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
});

describe("a migration file edited after the review, same revision ids", () => {
  it("the plan names the reviewed files by sha256; a request whose reviewed files differ from the files now is refused (409) and nothing is stored", async () => {
    const res = await plan(alice, "dev", { kind: "upgrade", target: "b2" }, DEV);
    expect(res.status).toBe(200);
    const reviewed = await body(res);
    expect(reviewed.reviewedFiles).toEqual([
      expect.stringMatching(/^[0-9a-f]{64} {2}alembic\.ini$/),
      expect.stringMatching(/^[0-9a-f]{64} {2}env\.py$/),
      expect.stringMatching(/^[0-9a-f]{64} {2}versions\/a1_create_customers\.py$/),
      expect.stringMatching(/^[0-9a-f]{64} {2}versions\/b2_add_customer_name\.py$/),
    ]);
    editB2();
    const refused = await requestRun(alice, "dev", { kind: "upgrade", target: "b2", reviewedFiles: reviewed.reviewedFiles }, DEV);
    expect(refused.status).toBe(409);
    expect((await body(refused)).error.message).toBe("versions/b2_add_customer_name.py changed after you reviewed this run, so the reviewed SQL is not what would run. Nothing was requested; review the run again.");
    expect(await db.run.count({ where: { environmentId: devId } })).toBe(0);
    expect(sqliteRevisions(fixture.urls.dev!)).toEqual([]);
  }, 60_000);

  it("an approval after the file was edited is refused, the request becomes stale (audited), and nothing runs", async () => {
    const requested = await body(await requestRun(alice, "prod", { kind: "upgrade", target: "b2", typedConfirmation: "prod" }));
    expect(requested.status).toBe("awaiting_approval");
    const stored = await db.run.findUniqueOrThrow({ where: { id: requested.runId } });
    expect(stored.reviewedFiles).toHaveLength(4);
    editB2();

    const refused = await approve(bob, requested.runId);
    expect(refused.status).toBe(409);
    expect((await body(refused)).error.message).toBe("versions/b2_add_customer_name.py changed after this run was requested, so the reviewed SQL is not what would run. Nothing was run; request the run again.");
    await runExecution(requested.runId);
    const run = await db.run.findUniqueOrThrow({ where: { id: requested.runId } });
    expect(run).toMatchObject({ status: "stale", approvedById: null });
    expect(await auditActions(requested.runId)).toContain("run.stale");
    expect(sqliteRevisions(fixture.urls.prod!)).toEqual([]);
    expect(sqliteTables(fixture.urls.prod!)).not.toContain("smuggled");
  }, 60_000);

  it("an edit between the approval and the start is caught under the database lock: the run is stale and Alembic runs nothing", async () => {
    const { prepared, run } = await queueReviewed("b2");
    // The edit keeps the file's size and mtime: a cache keyed on them would not see it.
    const before = fs.statSync(B2());
    const edited = originalB2.replace("sa.String(100)", "sa.String(999)");
    expect(edited.length).toBe(originalB2.length);
    fs.writeFileSync(B2(), edited);
    fs.utimesSync(B2(), before.atime, before.mtime);

    const outcome = await startRun(db, run.id, { id: alice.id, email: alice.email }, prepared.execution);
    expect(outcome?.status).toBe("stale");
    expect(outcome?.summary).toBe("versions/b2_add_customer_name.py changed after this run was reviewed, so the reviewed SQL is not what would run. Nothing was run; review it again.");
    expect(sqliteRevisions(fixture.urls.dev!)).toEqual([]);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).executedSteps).toEqual([]);
  }, 60_000);

  it("a helper beside the migrations counts too (a SQL file a migration reads, a module it imports); a SQLite file beside them does not", async () => {
    const helper = path.join(fixture.dir, "sql", "extra.sql");
    fs.mkdirSync(path.dirname(helper), { recursive: true });
    fs.writeFileSync(helper, "CREATE INDEX customers_name ON customers (name);\n");
    try {
      const requested = await body(await requestRun(alice, "prod", { kind: "upgrade", target: "b2", typedConfirmation: "prod" }));
      expect(requested.status).toBe("awaiting_approval");
      expect((await db.run.findUniqueOrThrow({ where: { id: requested.runId } })).reviewedFiles).toContainEqual(expect.stringMatching(/^[0-9a-f]{64} {2}sql\/extra\.sql$/));
      expect((await db.run.findUniqueOrThrow({ where: { id: requested.runId } })).reviewedFiles.join("\n")).not.toMatch(/\.db$/m);
      fs.writeFileSync(helper, "DROP TABLE customers;\n");
      const refused = await approve(bob, requested.runId);
      expect(refused.status).toBe(409);
      expect((await body(refused)).error.message).toMatch(/^sql\/extra\.sql changed after this run was requested/);
      expect(sqliteRevisions(fixture.urls.prod!)).toEqual([]);
    } finally {
      fs.rmSync(path.dirname(helper), { recursive: true, force: true });
    }
  }, 60_000);

  it("env.py counts too: it decides what Alembic does with every step", async () => {
    const { prepared, run } = await queueReviewed("a1");
    fs.appendFileSync(ENV_PY(), "\n# edited after the review\n");
    const outcome = await startRun(db, run.id, { id: alice.id, email: alice.email }, prepared.execution);
    expect(outcome?.status).toBe("stale");
    expect(outcome?.summary).toMatch(/^env\.py changed after this run was reviewed/);
    expect(sqliteRevisions(fixture.urls.dev!)).toEqual([]);
  }, 60_000);

  it("unchanged files run as reviewed", async () => {
    const res = await plan(alice, "dev", { kind: "upgrade", target: "a1" }, DEV);
    const reviewed = await body(res);
    const ok = await requestRun(alice, "dev", { kind: "upgrade", target: "a1", reviewedFiles: reviewed.reviewedFiles }, DEV);
    expect(ok.status).toBe(202);
    const { runId } = await body(ok);
    expect((await runExecution(runId))?.status).toBe("succeeded");
    expect(sqliteRevisions(fixture.urls.dev!)).toEqual(["a1"]);
  }, 60_000);
});

describe("the reviewed SQL is the SQL that is stored", () => {
  /** Alembic renders of the SQL preview for this environment so far (each is a command.run row, purpose "preview"). */
  async function previewRenders(environmentId: string) {
    const rows = await db.auditEvent.findMany({ where: { environmentId, action: "command.run" }, select: { details: true } });
    return rows.filter((r) => (r.details as { purpose?: string } | null)?.purpose === "preview").length;
  }

  it("a request after its plan reuses the plan's preview (no second Alembic render), and an edited file renders anew", async () => {
    // dev stands at a1 (the test before ran it there).
    const before = await previewRenders(devId);
    const reviewed = await body(await plan(alice, "dev", { kind: "upgrade", target: "b2" }, DEV));
    expect(await previewRenders(devId)).toBe(before + 1);
    const ok = await requestRun(alice, "dev", { kind: "upgrade", target: "b2", reviewedFiles: reviewed.reviewedFiles }, DEV);
    expect(ok.status).toBe(202);
    const { runId } = await body(ok);
    expect(await previewRenders(devId)).toBe(before + 1);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).sqlPreview).toBe(reviewed.sqlPreview);
    expect((await runExecution(runId))?.status).toBe("succeeded");

    // Planned, then its file edited: another key, so Alembic renders the edited file's SQL.
    const c3 = path.join(fixture.dir, "versions", "c3_create_orders.py");
    const original = fs.readFileSync(c3, "utf8");
    try {
      const first = await body(await plan(alice, "dev", { kind: "upgrade", target: "c3" }, DEV));
      fs.writeFileSync(c3, original.replace('"orders"', '"smuggled_orders"'));
      const second = await body(await plan(alice, "dev", { kind: "upgrade", target: "c3" }, DEV));
      expect(await previewRenders(devId)).toBe(before + 3);
      expect(first.sqlPreview).toContain("CREATE TABLE orders");
      expect(second.sqlPreview).toContain("CREATE TABLE smuggled_orders");
    } finally {
      fs.writeFileSync(c3, original);
    }
  }, 90_000);
});
