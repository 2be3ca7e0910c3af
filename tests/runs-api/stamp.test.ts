import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { alembic } from "@/tests/environments/support";
import { createTarget, type Target } from "@/tests/runner/support";
import { withClient } from "@/tests/support/databases";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";
import { copyFixtureProject, seedProject, sqliteRevisions } from "@/tests/runs-api/support";
import * as stampRoute from "@/app/api/projects/[project]/envs/[env]/stamp/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let pgTarget: Target;
let mysqlTarget: Awaited<ReturnType<typeof createMysqlTestDatabase>>;
let alice: User, qa: User, admin: User;

const P = "stamp-api";
/** The guarded runner's PostgreSQL advisory lock key (cairn_run.py PG_LOCK_KEY: the first 8 bytes of sha256("cairn:alembic-run"), signed). */
const PG_LOCK_KEY = BigInt.asIntN(64, BigInt(`0x${createHash("sha256").update("cairn:alembic-run").digest("hex").slice(0, 16)}`));

const stamp = (who: { cookie?: string; token?: string }, env: string, b: unknown) => stampRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/stamp`, { ...who, body: b }), ctx({ project: P, env }));
const ok = (env: string, revisions: string[], reason = "hand-fixed the orders index after the failed deploy") => ({ revisions, typedConfirmation: env, reason });

/** Everything in the SQLite schema except the version table's rows: the tables, columns and indexes as SQLite stores them. */
function sqliteSchema(url: string): string {
  const d = new Database(url.slice("sqlite:///".length), { readonly: true });
  try {
    return JSON.stringify(d.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all());
  } finally {
    d.close();
  }
}
/** Columns and indexes of the PostgreSQL target's public schema. */
async function pgSchema(t: Target): Promise<string> {
  const cols = await t.query("SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2");
  const idx = await t.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2");
  return JSON.stringify({ cols, idx });
}
const audit = (runId: string, action: string) => db.auditEvent.findFirst({ where: { runId, action } });

beforeAll(async () => {
  app = await useAppStore("cairn_stamp_api");
  db = app.db;
  fixture = copyFixtureProject(["qa", "staging"]);
  pgTarget = await createTarget("cairn_stamp_pw");
  mysqlTarget = await createMysqlTestDatabase("stamp");
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "staging", url: fixture.urls.staging! },
      { name: "production", url: pgTarget.url, protected: true },
      { name: "mariadb", url: mysqlTarget.url },
    ],
  });
  [alice, qa, admin] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "qa"), signedIn(db, "admin")]);
  alembic(fixture.dir, ["upgrade", "c3"], { url: fixture.urls.qa! });
  alembic(fixture.dir, ["upgrade", "c3"], { url: pgTarget.url });
  alembic(fixture.dir, ["upgrade", "c3"], { url: mysqlTarget.url });
}, 90_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
  await pgTarget?.drop();
  await mysqlTarget?.drop();
});

describe("stamp on SQLite with real Alembic", () => {
  it("moves the version table to the chosen revision and runs nothing: the schema is unchanged, the audit has before and after, no baseline", async () => {
    const schema = sqliteSchema(fixture.urls.qa!);
    const res = await stamp({ cookie: alice.cookie }, "qa", ok("qa", ["e5"]));
    expect(res.status).toBe(200);
    const out = await body(res);
    expect(out).toMatchObject({ status: "succeeded", before: ["c3"], after: ["e5"], purged: true });
    expect(out.baseline).toMatch(/^No schema baseline was recorded after this stamp/);
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["e5"]);
    // d4's index and e5's table were never created: only the version table moved.
    expect(sqliteSchema(fixture.urls.qa!)).toBe(schema);

    const run = await db.run.findUniqueOrThrow({ where: { id: out.runId } });
    expect(run).toMatchObject({ kind: "stamp", status: "succeeded", target: "e5", reason: "hand-fixed the orders index after the failed deploy", path: [], resultRevisions: ["e5"] });
    const stamped = await audit(out.runId, "environment.stamp");
    expect(stamped?.details).toMatchObject({ before: ["c3"], after: ["e5"], purged: true, reason: "hand-fixed the orders index after the failed deploy", baseline: "not recorded" });
    expect(stamped?.actor).toBe(alice.email);
    expect((await audit(out.runId, "baseline.skip"))?.details).toMatchObject({ source: "stamp" });
    expect(await db.schemaBaseline.count({ where: { environment: { name: "qa" } } })).toBe(0);
    const argv = await db.auditEvent.findFirst({ where: { action: "command.run", details: { path: ["runId"], equals: out.runId } } });
    expect(JSON.stringify(argv?.details)).toMatch(/"stamp","--purge","e5"/);
    const log = (await db.runLog.findMany({ where: { runId: out.runId }, orderBy: { seq: "asc" } })).map((l) => l.text).join("\n");
    expect(log).toMatch(/Running stamp_revision/);
    expect(log).not.toMatch(/Running upgrade/);
  }, 60_000);

  it("stamps two heads, then replaces both with a revision of another branch (--purge; a plain stamp would keep both beside it)", async () => {
    const two = await body(await stamp({ cookie: alice.cookie }, "staging", ok("staging", ["e5", "g7"])));
    expect(two).toMatchObject({ status: "succeeded", before: [], after: ["e5", "g7"], purged: false });
    expect(sqliteRevisions(fixture.urls.staging!)).toEqual(["e5", "g7"]);
    const one = await body(await stamp({ cookie: admin.cookie }, "staging", ok("staging", ["f6"])));
    expect(one).toMatchObject({ status: "succeeded", before: ["e5", "g7"], after: ["f6"], purged: true });
    expect(sqliteRevisions(fixture.urls.staging!)).toEqual(["f6"]);
  }, 60_000);

  it("refuses without the typed name, without a reason, for a QA user and for any token; nothing is stored", async () => {
    const runs = await db.run.count();
    const at = sqliteRevisions(fixture.urls.qa!);
    const wrong = await stamp({ cookie: alice.cookie }, "qa", { ...ok("qa", ["c3"]), typedConfirmation: "QA" });
    expect(wrong.status).toBe(422);
    expect((await body(wrong)).error.message).toBe('You typed "QA", which is not the environment\'s name "qa". Type "qa" exactly (it is case-sensitive) to confirm the stamp.');
    const noReason = await stamp({ cookie: alice.cookie }, "qa", { revisions: ["c3"], typedConfirmation: "qa" });
    expect(noReason.status).toBe(422);
    expect(JSON.stringify(await body(noReason))).toMatch(/Say why you stamp this environment/);
    const lineage = await stamp({ cookie: alice.cookie }, "qa", ok("qa", ["a1", "b2"]));
    expect(lineage.status).toBe(422);
    expect((await body(lineage)).error.message).toBe("a1 is an ancestor of b2, so a version table never holds both: it holds only the newest revision of each branch. Stamp b2 alone.");
    const unknown = await stamp({ cookie: alice.cookie }, "qa", ok("qa", ["zz9"]));
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    const short = await stamp({ cookie: alice.cookie }, "qa", { ...ok("qa", ["c3"]), reason: "fix" });
    expect(short.status).toBe(422);
    expect((await stamp({ cookie: qa.cookie }, "qa", ok("qa", ["c3"]))).status).toBe(403);
    const { token } = await createApiToken(db, { kind: "user", userId: admin.id, email: admin.email, name: "admin", role: "admin" }, { name: "ci", scopes: ["runs:request", "runs:approve", "status:read"] });
    const viaToken = await stamp({ token }, "qa", ok("qa", ["c3"]));
    expect(viaToken.status).toBe(403);
    expect(await db.run.count()).toBe(runs);
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(at);
  }, 60_000);

  it("is refused while another run is open on the environment, naming it", async () => {
    const { id: envId } = await db.environment.findFirstOrThrow({ where: { name: "qa", project: { name: P } } });
    const other = await db.run.create({
      data: {
        projectId: (await db.project.findFirstOrThrow({ where: { name: P } })).id,
        environmentId: envId,
        kind: "upgrade",
        status: "running",
        target: "h8",
        fromRevisions: ["e5"],
        path: ["g7", "h8"],
        requestedById: alice.id,
        instanceId: "elsewhere",
        heartbeatAt: new Date(),
        startedAt: new Date(),
      },
    });
    await db.environmentLock.create({ data: { environmentId: envId, runId: other.id, holder: alice.email, instanceId: "elsewhere" } });
    try {
      const res = await stamp({ cookie: alice.cookie }, "qa", ok("qa", ["c3"]));
      expect(res.status).toBe(423);
      expect((await body(res)).error.message).toMatch(new RegExp(`^qa is busy: run ${other.id} \\(upgrade to h8, from e5\\) is running`));
      expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["e5"]);
    } finally {
      await db.environmentLock.deleteMany({ where: { runId: other.id } });
      await db.run.update({ where: { id: other.id }, data: { status: "failed", finishedAt: new Date() } });
    }
  }, 60_000);
});

describe("stamp on PostgreSQL with real Alembic", () => {
  it("is refused while another session holds the database's migration lock, and nothing moves", async () => {
    await withClient(pgTarget.url.replace(/\/\/[^@]+@/, "//postgres@"), async (holder) => {
      await holder.query("SELECT pg_advisory_lock($1)", [PG_LOCK_KEY.toString()]);
      const res = await stamp({ cookie: alice.cookie }, "production", ok("production", ["e5"]));
      expect(res.status).toBe(423);
      expect((await body(res)).error.message).toMatch(/^production is being migrated from elsewhere: its database lock is held/);
      await holder.query("SELECT pg_advisory_unlock($1)", [PG_LOCK_KEY.toString()]);
    });
    expect(await pgTarget.readRevisions()).toEqual(["c3"]);
    const cancelled = await db.run.findFirstOrThrow({ where: { kind: "stamp", environment: { name: "production" } }, orderBy: { createdAt: "desc" } });
    expect(cancelled.status).toBe("cancelled");
  }, 60_000);

  it("stamps production (protected: no second person, the typed name and reason instead) without touching its schema, then --purge over two heads", async () => {
    const schema = await pgSchema(pgTarget);
    const out = await body(await stamp({ cookie: alice.cookie }, "production", ok("production", ["e5", "g7"])));
    expect(out).toMatchObject({ status: "succeeded", before: ["c3"], after: ["e5", "g7"], purged: true });
    expect(await pgTarget.readRevisions()).toEqual(["e5", "g7"]);
    expect(await pgSchema(pgTarget)).toBe(schema);
    const other = await body(await stamp({ cookie: alice.cookie }, "production", ok("production", ["f6"])));
    expect(other).toMatchObject({ status: "succeeded", before: ["e5", "g7"], after: ["f6"], purged: true });
    expect(await pgTarget.readRevisions()).toEqual(["f6"]);
    expect(await pgSchema(pgTarget)).toBe(schema);
  }, 90_000);
});

describe("stamp on MariaDB with real Alembic", () => {
  it("records by hand what a half-applied migration left behind: the table moves, the schema does not", async () => {
    const tables = async () => (await withMysql((c) => c.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [mysqlTarget.name])))[0] as { t: string }[];
    const revisions = async () => ((await withMysql((c) => c.query("SELECT version_num AS v FROM alembic_version ORDER BY 1"), mysqlTarget.name))[0] as { v: string }[]).map((r) => r.v);
    // f6 creates audit_trail, then fails: MySQL committed the CREATE TABLE, the version table still says c3.
    expect(() => alembic(fixture.dir, ["upgrade", "f6"], { url: mysqlTarget.url })).toThrow(/no_such_table/);
    expect(await revisions()).toEqual(["c3"]);
    const before = await tables();
    expect(before.map((t) => t.t)).toContain("audit_trail");
    // The rest fixed by hand, the release manager records where the database now stands.
    const out = await body(await stamp({ cookie: alice.cookie }, "mariadb", ok("mariadb", ["f6"], "f6 half-applied on MariaDB: audit_trail stayed, the insert was done by hand")));
    expect(out).toMatchObject({ status: "succeeded", before: ["c3"], after: ["f6"], purged: true });
    expect(await revisions()).toEqual(["f6"]);
    expect(await tables()).toEqual(before);
  }, 60_000);
});
