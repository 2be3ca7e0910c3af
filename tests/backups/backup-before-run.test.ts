// Issue 17, backups before protected runs: against real PostgreSQL, MariaDB and SQLite with real Alembic,
// through the guarded runner. A backup is made under the database lock before Alembic starts, restores
// into a scratch database, old ones are pruned, and a failing backup fails the run with Alembic never started.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { executeRun, type ExecuteRunOptions } from "@/lib/runner/execute-run";
import { checkBeforeRun, pruneBackups } from "@/lib/backups/run-backup";
import type { BeforeRun } from "@/lib/backups/types";
import { ALEMBIC, FIXTURE_DIR, createStore, createTarget, queueRun, seedEnvironment, type Target } from "@/tests/runner/support";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";
import { createTestDatabase, withClient } from "@/tests/support/databases";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";

let s: { store: Store; url: string; drop(): Promise<void> };
let pgt: Target;
let my: MysqlTarget;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-backup-test-"));
const backupDir = path.join(tmp, "backups");

beforeAll(async () => {
  s = await createStore();
  pgt = await createTarget("cairn_backup_role");
  my = await createMysqlTarget("backup");
}, 60_000);
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await pgt?.drop();
  await my?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function opts(runId: string, databaseUrl: string, readRevisions: () => Promise<string[]>, expectedHeads: string[], extra: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions {
  return {
    db: s.store.db,
    runId,
    instanceId: "instance-backup",
    actor: { id: "user-approver", email: "approver@example.com" },
    alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
    databaseUrl,
    readRevisions,
    expectedHeads,
    heartbeatMs: 200,
    backupDir,
    ...extra,
  };
}

async function protectedEnv(name: string, beforeRun: BeforeRun | null) {
  const { environment } = await seedEnvironment(s.store, { name, protected: true });
  await s.store.db.environment.update({ where: { id: environment.id }, data: { beforeRun: beforeRun ? { ...beforeRun } : undefined } });
  return environment;
}

async function logText(runId: string): Promise<string> {
  return (await s.store.db.runLog.findMany({ where: { runId }, orderBy: { seq: "asc" } })).map((l) => l.text).join("\n");
}

const backup = (keep = 7): BeforeRun => ({ kind: "backup", keep, timeoutMs: 60_000 });

describe("a backup before a protected run", () => {
  it("PostgreSQL: pg_dump -Fc under the lock before Alembic; the dump restores into a scratch database with the rows as they were", async () => {
    // The environment at b2 with a customer, migrated without a backup first.
    const plain = await protectedEnv("pg-prod", null);
    const first = await queueRun(s.store, plain, { target: "b2", path: ["a1", "b2"], from: [] });
    expect((await executeRun(opts(first.id, pgt.url, () => pgt.readRevisions(), ["b2"]))).status).toBe("succeeded");
    await pgt.query("INSERT INTO customers (id, email, name) VALUES (1, 'ada@example.com', 'Ada')");
    await s.store.db.environment.update({ where: { id: plain.id }, data: { beforeRun: { ...backup() } } });

    const run = await queueRun(s.store, plain, { target: "e5", path: ["c3", "d4", "e5"], from: ["b2"] });
    const out = await executeRun(opts(run.id, pgt.url, () => pgt.readRevisions(), ["e5"]));
    expect(out.status).toBe("succeeded");
    const row = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.backupFile).toMatch(new RegExp(`^${backupDir}/runner-fixture/pg-prod/pg-prod-\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.dump$`));
    expect(Number(row.backupBytes)).toBe(fs.statSync(row.backupFile!).size);
    expect(fs.statSync(row.backupFile!).mode & 0o777).toBe(0o600);
    expect(row.backupRestoreCommand).toBe(`pg_restore --clean --if-exists --single-transaction -h 127.0.0.1 -p 5432 -U cairn_backup_role -d ${pgt.name} ${row.backupFile}`);
    expect(out.backup).toMatchObject({ file: row.backupFile, bytes: Number(row.backupBytes) });

    // The backup came before Alembic: the log says so in that order.
    const log = await logText(run.id);
    expect(log.indexOf("Cairn: backup written:")).toBeGreaterThan(log.indexOf("Cairn: backing up pg-prod with pg_dump -Fc"));
    expect(log.indexOf("Running upgrade b2 -> c3")).toBeGreaterThan(log.indexOf("Cairn: backup written:"));
    expect(log).not.toContain(pgt.password);

    // Restorable: into a scratch database, with the row and the version the environment had before the run.
    const scratch = await createTestDatabase("cairn_backup_restore");
    try {
      const restored = spawnSync("pg_restore", ["--no-owner", "-d", scratch.name, row.backupFile!], { env: { ...process.env, PGHOST: "127.0.0.1", PGUSER: "postgres" }, encoding: "utf8" });
      expect(restored.status, restored.stderr).toBe(0);
      await withClient(scratch.url, async (c) => {
        expect((await c.query("SELECT email, name FROM customers")).rows).toEqual([{ email: "ada@example.com", name: "Ada" }]);
        expect((await c.query("SELECT version_num FROM alembic_version")).rows).toEqual([{ version_num: "b2" }]);
        expect((await c.query("SELECT to_regclass('orders') AS t")).rows[0].t).toBeNull();
      });
    } finally {
      await scratch.drop();
    }

    // Audited: pg_dump as a command of the project (no secret in argv), and the outcome names the file.
    const audit = await s.store.db.auditEvent.findMany({ where: { environmentId: plain.id }, orderBy: { at: "asc" } });
    const dump = audit.find((a) => a.action === "command.run" && (a.details as { purpose?: string }).purpose === "backup");
    expect((dump!.details as { argv: string[] }).argv[0]).toBe("pg_dump");
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(pgt.password);
    const succeeded = audit.find((a) => a.action === "run.succeeded" && a.runId === run.id);
    expect((succeeded!.details as { backup: { file: string } }).backup.file).toBe(row.backupFile);
  }, 120_000);

  it("a failing beforeRun command blocks the run: Alembic never starts, the version table is unchanged, the output is logged with the password masked", async () => {
    await pgt.query("DROP TABLE IF EXISTS order_statuses, orders, customers, alembic_version CASCADE");
    const failing: BeforeRun = { kind: "command", command: ["/bin/sh", "-c", 'echo "dumping $DATABASE_URL for $CAIRN_ENVIRONMENT (mark: ${CAIRN_BACKUP_RUN_ID:-none})"; echo "disk full" >&2; exit 3'], timeoutMs: 60_000 };
    // A command that succeeds first: the run records it and goes on.
    const env = await protectedEnv("pg-cmd", { kind: "command", command: ["/bin/true"], timeoutMs: 60_000 });
    const first = await queueRun(s.store, env, { target: "a1", path: ["a1"], from: [] });
    expect((await executeRun(opts(first.id, pgt.url, () => pgt.readRevisions(), ["a1"]))).status).toBe("succeeded");
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: first.id } })).backupCommand).toBe("/bin/true");
    await s.store.db.environment.update({ where: { id: env.id }, data: { beforeRun: { ...failing } } });

    const run = await queueRun(s.store, env, { target: "c3", path: ["b2", "c3"], from: ["a1"] });
    const out = await executeRun(opts(run.id, pgt.url, () => pgt.readRevisions(), ["c3"]));
    expect(out.status).toBe("failed");
    expect(out.executedSteps).toEqual([]);
    expect(out.summary).toContain("The beforeRun command /bin/sh -c");
    expect(out.summary).toContain("failed (exit code 3)");
    expect(out.summary).toContain("Alembic did not start: pg-cmd is still at a1");
    expect(await pgt.readRevisions()).toEqual(["a1"]);
    expect(await pgt.tables()).toEqual(["alembic_version", "customers"]);

    const log = await logText(run.id);
    expect(log).toContain("disk full");
    expect(log).toMatch(/dumping postgresql:\/\/cairn_backup_role:\*\*\*\*@127\.0\.0\.1:5432\/\S+ for pg-cmd/);
    // Not marked as Cairn's own dump: the run sweep never stops an operator's command or what it starts.
    expect(log).toContain("(mark: none)");
    expect(log).not.toContain("Running upgrade");
    const row = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.backupFile).toBeNull();
    for (const text of [log, row.errorTail ?? "", JSON.stringify(out)]) {
      expect(text).not.toContain(pgt.password);
      expect(text).not.toContain(encodeURIComponent(pgt.password));
    }
    const failed = await s.store.db.auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "run.failed" } });
    expect((failed.details as { reason: string }).reason).toContain("The beforeRun command");
    // The store lock is released: the environment can run again.
    expect(await s.store.db.environmentLock.findUnique({ where: { environmentId: env.id } })).toBeNull();
  }, 120_000);

  it("a backup that cannot be written fails the run before Alembic (no CAIRN_BACKUP_DIR), and the check says so at plan time", async () => {
    const env = await protectedEnv("pg-nodir", backup());
    const ctx = { project: "runner-fixture", environment: "pg-nodir", databaseUrl: pgt.url, cwd: FIXTURE_DIR };
    expect(await checkBeforeRun(backup(), { ...ctx, backupDir: null })).toMatch(/CAIRN_BACKUP_DIR is not set/);
    const readOnly = path.join(tmp, "read-only");
    fs.mkdirSync(readOnly, { mode: 0o500 });
    if (process.getuid?.() !== 0) expect(await checkBeforeRun(backup(), { ...ctx, backupDir: readOnly })).toMatch(/cannot be written to .*permission denied/);
    expect(await checkBeforeRun(backup(), { ...ctx, backupDir })).toBeNull();
    expect(await checkBeforeRun({ kind: "command", command: ["no-such-backup-tool"], timeoutMs: 1000 }, { ...ctx, backupDir })).toMatch(/"no-such-backup-tool" is not an executable program on Cairn's PATH/);

    const before = await pgt.readRevisions();
    const run = await queueRun(s.store, env, { target: "heads", path: [], from: before });
    const out = await executeRun(opts(run.id, pgt.url, () => pgt.readRevisions(), before, { backupDir: null }));
    expect(out.status).toBe("failed");
    expect(out.summary).toMatch(/CAIRN_BACKUP_DIR is not set.*Alembic did not start/);
    expect(await pgt.readRevisions()).toEqual(before);
  }, 60_000);

  it("retention keeps the newest N of the environment's own backups and nothing else is touched", async () => {
    const dir = path.join(tmp, "retention");
    fs.mkdirSync(dir);
    const names = ["prod-20261101T000000Z-aaaaaaaa.dump", "prod-20261102T000000Z-bbbbbbbb.dump", "prod-20261103T000000Z-cccccccc.dump", "prod-20261104T000000Z-dddddddd.dump"];
    for (const n of [...names, "prod-notes.txt", "prod2-20261101T000000Z-eeeeeeee.dump"]) fs.writeFileSync(path.join(dir, n), "x");
    expect(pruneBackups(dir, "prod", 2)).toEqual(["prod-20261102T000000Z-bbbbbbbb.dump", "prod-20261101T000000Z-aaaaaaaa.dump"]);
    expect(fs.readdirSync(dir).sort()).toEqual(["prod-20261103T000000Z-cccccccc.dump", "prod-20261104T000000Z-dddddddd.dump", "prod-notes.txt", "prod2-20261101T000000Z-eeeeeeee.dump"]);
  });

  it("MariaDB: mysqldump with --no-defaults and MYSQL_PWD; keep 1 deletes the older backup; the dump restores into a scratch database", async () => {
    const env = await protectedEnv("mysql-prod", backup(1));
    const read = () => my.readRevisions();
    const first = await queueRun(s.store, env, { target: "b2", path: ["a1", "b2"], from: [] });
    const firstOut = await executeRun(opts(first.id, my.url, read, ["b2"]));
    expect(firstOut.status).toBe("succeeded");
    await withMysql((c) => c.query("INSERT INTO customers (id, email, name) VALUES (7, 'grace@example.com', 'Grace')"), my.name);

    const run = await queueRun(s.store, env, { target: "c3", path: ["c3"], from: ["b2"] });
    const out = await executeRun(opts(run.id, my.url, read, ["c3"]));
    expect(out.status).toBe("succeeded");
    const row = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.backupFile).toMatch(/\/runner-fixture\/mysql-prod\/mysql-prod-\d{8}T\d{6}Z-[0-9a-f]{8}\.sql$/);
    expect(row.backupRestoreCommand).toMatch(new RegExp(`^mysql --no-defaults --host=127\\.0\\.0\\.1 --port=3306 --protocol=TCP --user=cairn_run_[0-9a-f]+ --default-character-set=utf8mb4 -p ${my.name} < ${row.backupFile}$`));
    // keep: 1 — the first run's backup is gone, this one stays.
    expect(fs.readdirSync(path.dirname(row.backupFile!))).toEqual([path.basename(row.backupFile!)]);
    expect(fs.existsSync(firstOut.backup!.file!)).toBe(false);
    const log = await logText(run.id);
    expect(log).toContain(`deleted ${path.basename(firstOut.backup!.file!)}`);
    expect(log).not.toContain(my.password);
    const audit = await s.store.db.auditEvent.findMany({ where: { environmentId: env.id, action: "command.run" } });
    const argv = audit.map((a) => (a.details as { argv: string[] }).argv).find((a) => a[0] === "mysqldump")!;
    expect(argv[1]).toBe("--no-defaults");
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(my.password);

    const scratch = await createMysqlTestDatabase("backup_restore");
    try {
      execFileSync("mysql", ["--no-defaults", "--host=127.0.0.1", "--port=3306", "--protocol=TCP", "--user=root", scratch.name], { input: fs.readFileSync(row.backupFile!) });
      const [customers] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT email, name FROM customers"), scratch.name);
      expect(customers.map((r) => ({ ...r }))).toEqual([{ email: "grace@example.com", name: "Grace" }]);
      const [versions] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT version_num FROM alembic_version"), scratch.name);
      expect(versions.map((r) => r.version_num)).toEqual(["b2"]);
    } finally {
      await scratch.drop();
    }
  }, 120_000);

  it("SQLite: an online backup of the file before Alembic; the copy opens with the rows as they were", async () => {
    const file = path.join(tmp, "shop prod.db");
    const url = `sqlite:///${file}`;
    const read = async () => {
      const db = new Database(file, { readonly: true });
      try {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").get();
        return exists ? (db.prepare("SELECT version_num AS v FROM alembic_version").all() as { v: string }[]).map((r) => r.v) : [];
      } finally {
        db.close();
      }
    };
    const env = await protectedEnv("sqlite-prod", backup());
    const first = await queueRun(s.store, env, { target: "b2", path: ["a1", "b2"], from: [] });
    expect((await executeRun(opts(first.id, url, read, ["b2"]))).status).toBe("succeeded");
    const w = new Database(file);
    w.prepare("INSERT INTO customers (id, email, name) VALUES (3, 'lin@example.com', 'Lin')").run();
    w.close();

    const run = await queueRun(s.store, env, { target: "c3", path: ["c3"], from: ["b2"] });
    expect((await executeRun(opts(run.id, url, read, ["c3"]))).status).toBe("succeeded");
    const row = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.backupFile).toMatch(/\.sqlite$/);
    expect(row.backupRestoreCommand).toBe(`cp ${row.backupFile} '${file}'`);
    const copy = new Database(row.backupFile!, { readonly: true });
    try {
      expect(copy.prepare("SELECT email FROM customers").all()).toEqual([{ email: "lin@example.com" }]);
      expect(copy.prepare("SELECT version_num FROM alembic_version").all()).toEqual([{ version_num: "b2" }]);
      expect(copy.prepare("SELECT name FROM sqlite_master WHERE name = 'orders'").get()).toBeUndefined();
    } finally {
      copy.close();
    }
  }, 120_000);
});
