import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type mysql from "mysql2/promise";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { runExecution } from "@/lib/runs/start-run";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";
import { alembic, copyFixture, LONG_REV } from "@/tests/environments/support";
import fs from "node:fs";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";

type User = Awaited<ReturnType<typeof signedIn>>;
type TestDb = Awaited<ReturnType<typeof createMysqlTestDatabase>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, bob: User, qa: User;
let stagingId: string;
let projectId: string;
const dbs: Record<string, TestDb> = {};
let widthProject: string | undefined;

const P = "shop-mysql-api";
const envParams = (env: string) => ctx({ project: P, env });
const plan = async (user: User, env: string, b: unknown) => planRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs/plan`, { cookie: user.cookie, body: b }), envParams(env));
const requestRun = async (user: User, env: string, b: unknown) => envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs`, { cookie: user.cookie, body: b }), envParams(env));
const approve = async (user: User, id: string) => approveRoute.POST(request("POST", `/api/runs/${id}/approve`, { cookie: user.cookie, body: {} }), ctx({ id }));
const gate = (gates: { id: string; verdict: string }[], id: string) => gates.find((g) => g.id === id);
async function finished(runId: string) {
  await runExecution(runId);
  return db.run.findUniqueOrThrow({ where: { id: runId } });
}
async function revisions(name: string): Promise<string[]> {
  const [rows] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT version_num AS v FROM alembic_version ORDER BY 1"), dbs[name]!.name);
  return rows.map((r) => String(r.v));
}
async function tables(name: string): Promise<string[]> {
  const [rows] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [dbs[name]!.name]));
  return rows.map((r) => String(r.t)).sort();
}

beforeAll(async () => {
  app = await useAppStore("cairn_runs_api_mysql");
  db = app.db;
  fixture = copyFixtureProject([]);
  for (const k of ["qa", "staging", "production", "narrow"]) dbs[k] = await createMysqlTestDatabase(`api_${k}`);
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: dbs.qa!.url },
      // The same server in the other spellings Alembic users write.
      { name: "staging", url: dbs.staging!.url.replace(/^mysql\+pymysql:/, "mariadb+pymysql:") },
      { name: "production", url: `${dbs.production!.url}?charset=utf8mb4`, protected: true },
    ],
  });
  projectId = seeded.project.id;
  stagingId = seeded.envs[1]!.id;
  [alice, bob, qa] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "qa")]);
}, 90_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
  if (widthProject) fs.rmSync(widthProject, { recursive: true, force: true });
  for (const d of Object.values(dbs)) await d.drop();
});

describe("MySQL environments through the same plan → request → approve → run paths as PostgreSQL", () => {
  it("plans qa with MySQL's own SQL preview and upgrades it for real", async () => {
    const p = await body(await plan(alice, "qa", { kind: "upgrade", target: "e5" }));
    expect(p.from).toEqual([]);
    expect(p.path.steps.map((s: { revision: string }) => s.revision)).toEqual(["a1", "b2", "c3", "d4", "e5"]);
    expect(p.sqlPreview).toMatch(/CREATE TABLE customers \([\s\S]*AUTO_INCREMENT/);
    expect(gate(p.gates, "version-width")).toMatchObject({ verdict: "pass" });
    expect(p.canRequest).toBe(true);
    const res = await requestRun(alice, "qa", { kind: "upgrade", target: "e5" });
    expect(res.status).toBe(202);
    const run = await finished((await body(res)).runId);
    expect(run.status).toBe("succeeded");
    expect(await revisions("qa")).toEqual(["e5"]);
    expect(await tables("qa")).toContain("order_statuses");
  }, 60_000);

  it("promotes qa → staging, then production only with a sign-off, the typed name and a second person", async () => {
    const ps = await body(await plan(alice, "staging", { kind: "promotion" }));
    expect(ps.previousEnvironment).toEqual({ name: "qa", revisions: ["e5"] });
    const rs = await requestRun(alice, "staging", { kind: "promotion" });
    expect(rs.status).toBe(202);
    expect((await finished((await body(rs)).runId)).status).toBe("succeeded");
    expect(await revisions("staging")).toEqual(["e5"]);

    const pp = await body(await plan(alice, "production", { kind: "promotion" }));
    expect(gate(pp.gates, "sign-off")).toMatchObject({ verdict: "block" });
    const refused = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "production" });
    expect(refused.status).toBe(409);
    expect((await body(refused)).error.message).toMatch(/^QA sign-off: production is protected/);
    await db.signOff.create({ data: { projectId, environmentId: stagingId, toRevision: "e5", revisions: ["a1", "b2", "c3", "d4", "e5"], userId: qa.id } });
    const res = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "production" });
    expect(res.status).toBe(202);
    const { runId, status } = await body(res);
    expect(status).toBe("awaiting_approval");
    expect((await approve(alice, runId)).status).toBe(403);
    expect((await approve(bob, runId)).status).toBe(202);
    expect((await finished(runId)).status).toBe("succeeded");
    expect(await revisions("production")).toEqual(["e5"]);
  }, 90_000);

  it("a destructive downgrade needs the flagged migration named, then drops the table on MariaDB", async () => {
    const p = await body(await plan(alice, "qa", { kind: "downgrade", target: "d4" }));
    const safety = gate(p.gates, "downgrade-safety") as unknown as { verdict: string; details: { required: string[] } };
    expect(safety.verdict).toBe("needs-input");
    expect(safety.details.required).toEqual(["e5"]);
    expect(p.sqlPreview).toMatch(/DROP TABLE order_statuses/);
    expect((await requestRun(alice, "qa", { kind: "downgrade", target: "d4" })).status).toBe(409);
    const res = await requestRun(alice, "qa", { kind: "downgrade", target: "d4", destructiveConfirmation: ["e5"] });
    expect(res.status).toBe(202);
    expect((await finished((await body(res)).runId)).status).toBe("succeeded");
    expect(await revisions("qa")).toEqual(["d4"]);
    expect(await tables("qa")).not.toContain("order_statuses");
  }, 60_000);

  it("a failing migration on MariaDB: the run says which statements of it stayed and where qa stands", async () => {
    await withMysql((c) => c.query("DROP TABLE orders; DELETE FROM alembic_version; INSERT INTO alembic_version VALUES ('b2')"), dbs.qa!.name);
    const res = await requestRun(alice, "qa", { kind: "upgrade", target: "f6" });
    expect(res.status).toBe(202);
    const run = await finished((await body(res)).runId);
    expect(run.status).toBe("failed");
    expect(run.errorTail!.split("\n")[0]).toMatch(
      /^Migration f6 \(versions\/f6_broken_audit\.py, 2 of 2\) failed: \(1146, "Table '\w+\.no_such_table' doesn't exist"\)\. MySQL does not roll back schema changes: these statements of f6 ran and stayed: CREATE TABLE audit_trail \(…\)\. Undo them, or finish f6 by hand, before running again\. qa is now at c3 \(1 of 2 migrations applied\)\./,
    );
    expect(await revisions("qa")).toEqual(["c3"]);
    expect(await tables("qa")).toContain("audit_trail");
  }, 60_000);

  it("the width gate blocks a revision id longer than MySQL's version_num, which strict mode would refuse", async () => {
    widthProject = copyFixture("cairn-mysql-width-");
    alembic(widthProject, ["upgrade", "2b3c4d5e6f02"], { url: dbs.narrow!.url });
    await seedProject(db, { name: "width-mysql", dir: widthProject, envs: [{ name: "narrow", url: dbs.narrow!.url }] });
    const res = await planRoute.POST(request("POST", "/api/projects/width-mysql/envs/narrow/runs/plan", { cookie: alice.cookie, body: { kind: "upgrade", target: LONG_REV } }), ctx({ project: "width-mysql", env: "narrow" }));
    const p = await body(res);
    expect(gate(p.gates, "version-width")).toMatchObject({ verdict: "block" });
    expect((gate(p.gates, "version-width") as unknown as { reason: string }).reason).toMatch(new RegExp(`Revision "${LONG_REV}" is 40 characters, but narrow's alembic_version.version_num holds at most 32`));
    expect(p.canRequest).toBe(false);
  }, 60_000);
});
