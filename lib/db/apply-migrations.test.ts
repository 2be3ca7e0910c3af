import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations, MIGRATION_LOCK_KEY, MIGRATIONS_DIR, readMigrationFiles, type MigrationFile, type MigrationSession } from "@/lib/db/apply-migrations";
import { createTestDatabase } from "@/tests/support/databases";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-migrations-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// One copy of the committed migrations for the whole file, so every test sees the same list.
const SNAPSHOT = path.join(tmp, "committed");
fs.cpSync(MIGRATIONS_DIR, SNAPSHOT, { recursive: true });
const committed = readMigrationFiles(SNAPSHOT);
const names = committed.map((m) => m.name);
const [initFile, secondFile] = committed as [MigrationFile, MigrationFile, ...MigrationFile[]];
const INIT = "20261121195901_init";

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const readRows = async (s: MigrationSession) => (await s.query(`SELECT * FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`)).rows as Row[];

const pgliteSession = (db: PGlite): MigrationSession => ({ query: (sql, params) => db.query(sql, params), exec: (script) => db.exec(script) });
const pgSession = (c: pg.Client): MigrationSession => ({ query: (sql, params) => c.query(sql, params), exec: (script) => c.query(script) });

async function freshPGlite(): Promise<PGlite> {
  const db = new PGlite();
  await db.waitReady;
  return db;
}

/** A migrations directory with the committed ones and `extra` after them. */
function migrationsDir(label: string, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, label);
  fs.cpSync(SNAPSHOT, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

/**
 * `_prisma_migrations` as @prisma/schema-engine-wasm 8.1.0-2 (the runner before this one) left it
 * after applying the init migration, row for row: Prisma's DDL, a uuid, the file's sha256, no logs.
 */
async function storeFromOldRunner(s: MigrationSession): Promise<void> {
  await s.exec(`CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id"))`);
  await s.exec(initFile.script);
  await s.query(
    `INSERT INTO "_prisma_migrations" VALUES ('3f408326-1f61-4ac6-bbe6-9c0589a1f7c2', '6b9e0caa34d422945e975444dc6901177fd99ae6bce17e82525d9308e794f71b',
     '2026-11-28T06:24:21.571Z', '20261121195901_init', NULL, NULL, '2026-11-28T06:24:21.465Z', 1)`,
  );
}

function expectPrismaRows(rows: Row[], expected: string[]): void {
  expect(rows.map((r) => r.migration_name)).toEqual(expected);
  for (const r of rows) {
    const file = fs.readFileSync(path.join(SNAPSHOT, r.migration_name, "migration.sql"));
    expect(r.checksum).toBe(createHash("sha256").update(file).digest("hex"));
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.finished_at).toBeInstanceOf(Date);
    expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
    expect(r.applied_steps_count).toBe(1);
    expect(r.logs).toBeNull();
    expect(r.rolled_back_at).toBeNull();
  }
}

/** A directory holding the committed migrations older than `name`: a store as it was before that migration. */
function migrationsBefore(name: string): string {
  const dir = path.join(tmp, `before-${name}`);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(dir);
  for (const n of names.filter((n) => n < name)) fs.cpSync(path.join(SNAPSHOT, n), path.join(dir, n), { recursive: true });
  return dir;
}

/**
 * 20261128093500_typed_lists on a store that holds rows: every JSON list becomes a TEXT[] with the same strings in
 * the same order (anything that is not a string dropped, as the code reading them did), runs get foreign keys to
 * their requester, approver and rejecter, and the append-only audit trail keeps its rows and its trigger.
 */
async function upgradeToTypedLists(s: MigrationSession): Promise<void> {
  const TYPED_LISTS = "20261128093500_typed_lists";
  await applyMigrations(s, { dir: migrationsBefore(TYPED_LISTS) });
  await s.exec(`
    INSERT INTO "User" ("id", "email", "updatedAt") VALUES ('u1', 'alice@example.com', now());
    INSERT INTO "Project" ("id", "name", "alembicPath", "command", "xArgs", "updatedAt") VALUES
      ('p1', 'shop', '/srv/shop/alembic.ini', '["poetry", "run", "alembic"]', '["tenant=acme", "schema=it''s"]', now());
    INSERT INTO "Project" ("id", "name", "alembicPath", "updatedAt") VALUES ('p2', 'billing', '/srv/billing', now());
    -- Not a list (the code before read it as ["alembic"]): still "alembic" afterwards, never an empty command.
    INSERT INTO "Project" ("id", "name", "alembicPath", "command", "updatedAt") VALUES ('p4', 'legacy', '/srv/legacy', 'null', now());
    INSERT INTO "Environment" ("id", "projectId", "name", "position", "urlMasked", "approvers", "updatedAt") VALUES
      ('e1', 'p1', 'production', 2, 'postgresql://app:****@db/shop', '["ops@example.com", 3, null, {"x": 1}, "dba@example.com"]', now()),
      ('e2', 'p1', 'staging', 1, 'postgresql://app:****@db/shop_staging', '{}', now());
    INSERT INTO "ApiToken" ("id", "name", "prefix", "tokenHash", "userId", "scopes") VALUES ('t1', 'ci', 'cairn_ab', 'h1', 'u1', '["runs:read", "runs:request"]');
    INSERT INTO "SignInFailure" ("email", "minute", "addresses") VALUES ('bob@example.com', '2026-11-28T09:00:00Z', '["10.0.0.7", "-"]');
    INSERT INTO "Run" ("id", "projectId", "environmentId", "kind", "status", "fromRevisions", "target", "path", "requestedById", "approvedById", "resultRevisions") VALUES
      ('r1', 'p1', 'e1', 'upgrade', 'succeeded', '["a1", "b,2"]', 'c3', '["b,2", "c3"]', 'u1', 'gone', '["c3"]'),
      ('r2', 'p1', 'e2', 'upgrade', 'rejected', '[]', 'a1', '["a1"]', 'u1', NULL, NULL);
    UPDATE "Run" SET "rejectedById" = 'u1' WHERE "id" = 'r2';
    INSERT INTO "SignOff" ("id", "projectId", "environmentId", "toRevision", "revisions", "userId") VALUES ('s1', 'p1', 'e2', 'c3', '["b,2", "c3"]', 'u1');
    INSERT INTO "Rehearsal" ("id", "projectId", "environmentId", "kind", "fromKey", "fromRevisions", "target", "path", "filesHash", "status", "requestedBy", "differences") VALUES
      ('h1', 'p1', 'e1', 'upgrade', 'a1', '["a1"]', 'c3', '["b,2", "c3"]', 'f00d', 'finished', 'alice@example.com', '["orders.note: type text → varchar(20)"]');
    INSERT INTO "AuditEvent" ("actor", "action", "projectId", "project", "runId", "details") VALUES ('alice@example.com', 'run.request', 'p1', 'shop', 'r1', '{"path": ["b,2", "c3"]}');`);
  expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual(names.filter((n) => n >= TYPED_LISTS));
  const rows = async (sql: string) => (await s.query(sql)).rows;
  expect(await rows(`SELECT "name", "command", "xArgs" FROM "Project" ORDER BY "name"`)).toEqual([
    { name: "billing", command: ["alembic"], xArgs: [] },
    { name: "legacy", command: ["alembic"], xArgs: [] },
    { name: "shop", command: ["poetry", "run", "alembic"], xArgs: ["tenant=acme", "schema=it's"] },
  ]);
  expect(await rows(`SELECT "name", "approvers" FROM "Environment" ORDER BY "position"`)).toEqual([
    { name: "staging", approvers: [] },
    { name: "production", approvers: ["ops@example.com", "dba@example.com"] },
  ]);
  expect(await rows(`SELECT "scopes" FROM "ApiToken"`)).toEqual([{ scopes: ["runs:read", "runs:request"] }]);
  expect(await rows(`SELECT "addresses" FROM "SignInFailure"`)).toEqual([{ addresses: ["10.0.0.7", "-"] }]);
  expect(await rows(`SELECT "id", "fromRevisions", "path", "resultRevisions" FROM "Run" ORDER BY "id"`)).toEqual([
    { id: "r1", fromRevisions: ["a1", "b,2"], path: ["b,2", "c3"], resultRevisions: ["c3"] },
    { id: "r2", fromRevisions: [], path: ["a1"], resultRevisions: null },
  ]);
  expect(await rows(`SELECT "revisions" FROM "SignOff"`)).toEqual([{ revisions: ["b,2", "c3"] }]);
  expect(await rows(`SELECT "fromRevisions", "path", "differences" FROM "Rehearsal"`)).toEqual([{ fromRevisions: ["a1"], path: ["b,2", "c3"], differences: ["orders.note: type text → varchar(20)"] }]);
  // The approver no user row named (a hand-edited store) became a disabled placeholder, so the run keeps its history.
  expect(await rows(`SELECT "id", "email", "role", "disabled" FROM "User" ORDER BY "id"`)).toEqual([
    { id: "gone", email: "missing-user-gone@cairn.invalid", role: "viewer", disabled: true },
    { id: "u1", email: "alice@example.com", role: "viewer", disabled: false },
  ]);
  await expect(s.query(`INSERT INTO "Run" ("id", "projectId", "environmentId", "kind", "status", "target", "requestedById") VALUES ('r3', 'p1', 'e1', 'upgrade', 'queued', 'c3', 'nobody')`)).rejects.toThrow(
    /Run_requestedById_fkey/,
  );
  await expect(s.query(`DELETE FROM "User" WHERE "id" = 'u1'`)).rejects.toThrow(/foreign key/);
  // New rows get the lists' defaults; the conversion function is gone.
  await s.exec(`INSERT INTO "Project" ("id", "name", "alembicPath", "updatedAt") VALUES ('p3', 'new', '/srv/new', now())`);
  expect(await rows(`SELECT "command", "xArgs" FROM "Project" WHERE "id" = 'p3'`)).toEqual([{ command: ["alembic"], xArgs: [] }]);
  expect(await rows(`SELECT to_regproc('"_cairn_json_strings"') AS f`)).toEqual([{ f: null }]);
  expect(await rows(`SELECT "actor", "details" FROM "AuditEvent"`)).toEqual([{ actor: "alice@example.com", details: { path: ["b,2", "c3"] } }]);
  await expect(s.query(`UPDATE "AuditEvent" SET "actor" = 'mallory'`)).rejects.toThrow(/append-only/);
}

describe("store migrations on PGlite", () => {
  it("applies every committed migration once, with Prisma Migrate's rows, and nothing on a second run", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual(names);
    expectPrismaRows(await readRows(s), names);
    // The init migration's dollar-quoted trigger function arrived whole.
    await db.query(`INSERT INTO "AuditEvent" ("actor", "action") VALUES ('a@example.com', 'test')`);
    await expect(db.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    const before = await readRows(s);
    expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual([]);
    expect(await readRows(s)).toEqual(before);
    await db.close();
  });

  it("adopts a store the old runner migrated: keeps its rows and applies only what is newer", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    await storeFromOldRunner(s);
    expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual(names.filter((n) => n !== INIT));
    const rows = await readRows(s);
    expect(rows[0]?.id).toBe("3f408326-1f61-4ac6-bbe6-9c0589a1f7c2");
    expectPrismaRows(rows, names);
    await db.close();
  });

  it("refuses a store whose recorded migration was applied from another file, and applies nothing", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    await storeFromOldRunner(s);
    await db.query(`UPDATE "_prisma_migrations" SET "checksum" = repeat('0', 64)`);
    const refusal = applyMigrations(s, { dir: SNAPSHOT });
    await expect(refusal).rejects.toMatchObject({ code: "config" });
    await expect(refusal).rejects.toThrow(`store migration ${INIT}: recorded checksum ${"0".repeat(64)}`);
    await refusal.catch((e) => expect(e.userMessage).toMatch(/applied from a different migration\.sql.*Restore prisma\/migrations\/20261121195901_init\/migration\.sql/));
    expect((await readRows(s)).map((r) => r.migration_name)).toEqual([INIT]);
    await db.close();
  });

  it("accepts a migration checked out with Windows line endings, as Prisma does", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    const dir = migrationsDir("crlf");
    expect(await applyMigrations(s, { dir })).toEqual(names);
    const init = path.join(dir, INIT, "migration.sql");
    fs.writeFileSync(init, fs.readFileSync(init, "utf8").replace(/\n/g, "\r\n"));
    expect(await applyMigrations(s, { dir })).toEqual([]);
    await db.close();
  });

  it("refuses a store where a migration started and never finished, naming it and the way out", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    await storeFromOldRunner(s);
    await db.query(`INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "logs") VALUES ('b', $1, $2, 'boom')`, [secondFile.checksum, secondFile.name]);
    const refusal = applyMigrations(s, { dir: SNAPSHOT });
    await expect(refusal).rejects.toThrow(`store migration ${secondFile.name} started at`);
    await refusal.catch((e) => expect(e.userMessage).toContain(`npx prisma migrate resolve --rolled-back ${secondFile.name}`));
    expect(await readRows(s)).toHaveLength(2);
    await db.close();
  });

  it("upgrades a store that already holds audit rows: backfills stay possible on the append-only trail, which stays append-only", async () => {
    // Every real store has audit rows; a migration that UPDATEs them must lift the append-only
    // trigger for its own statement, or start-up fails on every upgraded store.
    const AUDIT_SCOPE = "20261128070000_audit_trail_scope";
    const before = path.join(tmp, "before-audit-scope");
    fs.mkdirSync(before);
    for (const name of names.filter((n) => n < AUDIT_SCOPE)) fs.cpSync(path.join(SNAPSHOT, name), path.join(before, name), { recursive: true });
    const db = await freshPGlite();
    const s = pgliteSession(db);
    await applyMigrations(s, { dir: before });
    await db.exec(`INSERT INTO "Project" ("id", "name", "alembicPath", "updatedAt") VALUES ('p1', 'shop', '/srv/shop/alembic.ini', now());
      INSERT INTO "AuditEvent" ("actor", "action", "projectId", "outcome") VALUES ('alice@example.com', 'project.create', 'p1', 'ok'), ('bob@example.com', 'auth.sign-in', NULL, 'ok');`);
    expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual(names.filter((n) => n >= AUDIT_SCOPE));
    expect((await db.query(`SELECT "actor", "project" FROM "AuditEvent" ORDER BY "id"`)).rows).toEqual([
      { actor: "alice@example.com", project: "shop" },
      { actor: "bob@example.com", project: null },
    ]);
    await expect(db.query(`UPDATE "AuditEvent" SET "actor" = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    await db.close();
  });

  it("turns a store's JSON lists into TEXT[] in place and gives runs their users, rows and audit trail intact", async () => {
    const db = await freshPGlite();
    await upgradeToTypedLists(pgliteSession(db));
    await db.close();
  });

  it("rolls a failing migration back whole and names it; the next start applies it once fixed", async () => {
    const db = await freshPGlite();
    const s = pgliteSession(db);
    const dir = migrationsDir("failing", { "99999999999999_broken": `CREATE TABLE "Half" ("id" TEXT);\nALTER TABLE "Nowhere" ADD COLUMN "x" TEXT;\n` });
    const failure = applyMigrations(s, { dir });
    await expect(failure).rejects.toThrow("store migration 99999999999999_broken failed");
    await failure.catch((e) => expect(e.userMessage).toMatch(/^Cairn's store migration 99999999999999_broken failed and was rolled back.*"Nowhere"/));
    expect((await readRows(s)).map((r) => r.migration_name)).toEqual(names);
    expect((await db.query(`SELECT to_regclass('"Half"') AS t`)).rows).toEqual([{ t: null }]);
    fs.writeFileSync(path.join(dir, "99999999999999_broken", "migration.sql"), `CREATE TABLE "Half" ("id" TEXT);\n`);
    expect(await applyMigrations(s, { dir })).toEqual(["99999999999999_broken"]);
    await db.close();
  });
});

/** Runs tests/support/apply-migrations-child.ts in its own process; `start()` lets it apply. */
function childApplier(url: string, dir: string) {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/support/apply-migrations-child.ts", url, dir], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout });
  const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const ready = next();
  const done = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  return {
    ready,
    async result(): Promise<string[]> {
      const line = next();
      child.stdin.end("go\n");
      const code = await done;
      if (code !== 0) throw new Error(`applier exited ${code}: ${stderr}`);
      return JSON.parse(await line) as string[];
    },
  };
}

describe("store migrations on PostgreSQL", () => {
  it("applies once, then nothing; waits for another holder of the lock; adopts an old-runner store; refuses an edited migration", async () => {
    const tdb = await createTestDatabase("cairn_test_store");
    const adopted = await createTestDatabase("cairn_test_store");
    const c = new pg.Client({ connectionString: tdb.url });
    const o = new pg.Client({ connectionString: adopted.url });
    try {
      await c.connect();
      const s = pgSession(c);
      expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual(names);
      expectPrismaRows(await readRows(s), names);
      expect(await applyMigrations(s, { dir: SNAPSHOT })).toEqual([]);
      expect(await readRows(s)).toHaveLength(names.length);
      // The lock is released: a second instance does not wait for this session to close.
      const locks = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      expect(locks.rows[0].n).toBe(0);

      await o.connect();
      const os_ = pgSession(o);
      // While another session holds the migration lock, a start waits, then gives up naming the holder.
      // (Advisory locks are per database: the holder is on the same one.)
      const h = new pg.Client({ connectionString: adopted.url });
      await h.connect();
      const holder = (await h.query(`SELECT pg_backend_pid() AS pid, pg_advisory_lock(${MIGRATION_LOCK_KEY})`)).rows[0].pid;
      const waited = applyMigrations(os_, { dir: SNAPSHOT, lockWaitMs: 300 });
      await expect(waited).rejects.toMatchObject({ code: "store-locked" });
      await waited.catch((e) => expect(e.userMessage).toContain(`held by server process ${holder}`));
      await h.end();
      await storeFromOldRunner(os_);
      expect(await applyMigrations(os_, { dir: SNAPSHOT })).toEqual(names.filter((n) => n !== INIT));
      expectPrismaRows(await readRows(os_), names);
      await o.query(`UPDATE "_prisma_migrations" SET "checksum" = repeat('f', 64) WHERE "migration_name" = $1`, [INIT]);
      await expect(applyMigrations(os_, { dir: SNAPSHOT })).rejects.toThrow(`store migration ${INIT}: recorded checksum ${"f".repeat(64)}`);
    } finally {
      await c.end().catch(() => undefined);
      await o.end().catch(() => undefined);
      await tdb.drop();
      await adopted.drop();
    }
  });

  it("turns a store's JSON lists into TEXT[] in place and gives runs their users, rows and audit trail intact", async () => {
    const tdb = await createTestDatabase("cairn_test_store");
    const c = new pg.Client({ connectionString: tdb.url });
    try {
      await c.connect();
      await upgradeToTypedLists(pgSession(c));
    } finally {
      await c.end().catch(() => undefined);
      await tdb.drop();
    }
  });

  it("two instances starting together in two processes apply each migration exactly once", { timeout: 60_000 }, async () => {
    const tdb = await createTestDatabase("cairn_test_store");
    try {
      // A slow last migration keeps the first applier holding the lock while the second asks for it.
      const dir = migrationsDir("concurrent", { "99999999999999_slow": `SELECT pg_sleep(1);\nCREATE TABLE "SlowMarker" ("id" TEXT);\n` });
      const a = childApplier(tdb.url, dir);
      const b = childApplier(tdb.url, dir);
      await Promise.all([a.ready, b.ready]);
      const results = await Promise.all([a.result(), b.result()]);
      const all = [...names, "99999999999999_slow"];
      expect(results.map((r) => r.length).sort()).toEqual([0, all.length]);
      expect(results.flat()).toEqual(all);
      const c = new pg.Client({ connectionString: tdb.url });
      await c.connect();
      try {
        const rows = await readRows(pgSession(c));
        expect(rows.map((r) => r.migration_name)).toEqual(all);
        expect(rows.every((r) => r.finished_at !== null)).toBe(true);
      } finally {
        await c.end();
      }
    } finally {
      await tdb.drop();
    }
  });
});
