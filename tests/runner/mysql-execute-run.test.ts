import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { openStore } from "@/lib/db/client";
import { isAppError, type AppError } from "@/lib/errors";
import { mysqlRunLockName } from "@/lib/targets/mysql-run-lock-name";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { executeRun, type ExecuteRunOptions } from "@/lib/runner/execute-run";
import { previewSql } from "@/lib/runner/preview-sql";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { ALEMBIC, FIXTURE_DIR, createStore, queueRun, seedEnvironment } from "@/tests/runner/support";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";

/** The runner fixture's alembic.ini and env.py with three linear migrations, the second failing after its first DDL. */
function halfwayProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-mysql-halfway-"));
  for (const f of ["alembic.ini", "env.py", "script.py.mako"]) fs.copyFileSync(path.join(FIXTURE_DIR, f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, "versions"));
  const migration = (rev: string, down: string | null, message: string, body: string) =>
    fs.writeFileSync(
      path.join(dir, "versions", `${rev}.py`),
      `"""${message}\n\nRevision ID: ${rev}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "${rev}"\ndown_revision = ${down ? `"${down}"` : "None"}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n${body}\n\n\ndef downgrade():\n    pass\n`,
    );
  migration("p1", null, "create ledger", `    op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True))`);
  migration(
    "p2",
    "p1",
    "add invoices then break",
    `    op.create_table("invoices", sa.Column("id", sa.Integer, primary_key=True))\n    op.add_column("ledger", sa.Column("note", sa.String(40)))\n    op.execute("INSERT INTO no_such_table VALUES (1)")`,
  );
  migration("p3", "p2", "create payments", `    op.create_table("payments", sa.Column("id", sa.Integer, primary_key=True))`);
  return dir;
}

let s: { store: Store; url: string; drop(): Promise<void> };
let t: MysqlTarget;
let halfway: string;
beforeAll(async () => {
  s = await createStore();
  t = await createMysqlTarget("runs");
  halfway = halfwayProject();
}, 60_000);
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
  if (halfway) fs.rmSync(halfway, { recursive: true, force: true });
});

function opts(db: Store["db"], runId: string, expectedHeads: string[], extra: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions {
  return {
    db,
    runId,
    instanceId: "instance-a",
    actor: { id: "user-approver", email: "approver@example.com" },
    alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
    databaseUrl: t.url,
    readRevisions: () => t.readRevisions(),
    expectedHeads,
    heartbeatMs: 200,
    ...extra,
  };
}

async function queue(env: { projectId: string; id: string }, o: Parameters<typeof queueRun>[2]) {
  return queueRun(s.store, env, { from: await t.readRevisions().catch(() => []), ...o });
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(t.password);
  expect(text).not.toContain(encodeURIComponent(t.password));
}

describe("executeRun against real Alembic (PyMySQL) and MariaDB", () => {
  it("upgrades and downgrades through the guarded runner, holding GET_LOCK while Alembic runs", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "mysql-qa" });
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] });
    const out = await executeRun(opts(s.store.db, run.id, ["e5"], { alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["echo_url=1"] } }));
    expect(out.status).toBe("succeeded");
    expect(out.resultRevisions).toEqual(["e5"]);
    expect(await t.tables()).toEqual(["alembic_version", "customers", "order_statuses", "orders"]);
    const logs = await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
    expect(logs.some((l) => /Cairn: holding the database lock \(mysql:.*\/cairn_test_mysql_runs_/.test(l.text))).toBe(true);
    expect(logs.some((l) => l.text.includes("Context impl MySQLImpl"))).toBe(true);
    expectNoSecret(JSON.stringify(logs) + JSON.stringify(out));

    const down = await queue(environment, { kind: "downgrade", target: "d4", path: ["e5"] });
    expect((await executeRun(opts(s.store.db, down.id, ["d4"]))).status).toBe("succeeded");
    expect(await t.tables()).toEqual(["alembic_version", "customers", "orders"]);
    // d4's downgrade cannot run on MySQL (its index backs the foreign key: error 1553); start the next tests from scratch.
    await withMysql((c) => c.query("DROP TABLE orders, customers; DELETE FROM alembic_version"), t.name);
  }, 60_000);

  it("keeps the version table in another database (version_table_schema) under a custom name, read under the lock and after", async () => {
    const ops = await createMysqlTestDatabase("runs_ops");
    try {
      await withMysql((c) => c.query(`GRANT ALL ON \`${ops.name}\`.* TO ?@'%'`, [t.url.replace(/^mysql\+pymysql:\/\/([^:]+):.*$/, "$1")]));
      const { environment } = await seedEnvironment(s.store, { name: "mysql-ops", versionTable: "cairn_versions" });
      await s.store.db.environment.update({ where: { id: environment.id }, data: { versionTableSchema: ops.name } });
      const read = async () => {
        const r = await readVersionTable({ url: t.url, versionTable: "cairn_versions", versionTableSchema: ops.name, timeoutMs: 5000, baseDir: "/" });
        if (!r.ok) throw new Error(r.message);
        return r.revisions;
      };
      const run = await queueRun(s.store, environment, { target: "b2", path: ["a1", "b2"], from: [] });
      const out = await executeRun(opts(s.store.db, run.id, ["b2"], { readRevisions: read }));
      expect(out.status).toBe("succeeded");
      expect(await read()).toEqual(["b2"]);
      const [rows] = await withMysql((c) =>
        c.query<mysql.RowDataPacket[]>("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_NAME = 'cairn_versions' AND TABLE_SCHEMA IN (?, ?)", [ops.name, t.name]),
      );
      expect(rows.map((r) => `${r.s}.${r.t}`)).toEqual([`${ops.name}.cairn_versions`]);
      const logs = await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
      expect(logs.some((l) => /mysql-ops is at base as reviewed/.test(l.text))).toBe(true);
      // The statements MySQL committed are the migrations' own, not Alembic's bookkeeping in the other database.
      const committed = logs.filter((l) => l.text.startsWith("Cairn: MySQL committed: ")).map((l) => l.text.slice("Cairn: MySQL committed: ".length));
      expect(committed.map((c) => c.split(" (")[0])).toEqual(["CREATE TABLE customers", "ALTER TABLE customers ADD COLUMN name VARCHAR(100)"]);
      await withMysql((c) => c.query("DROP TABLE customers"), t.name);
    } finally {
      await ops.drop();
    }
  }, 60_000);

  it("previews MySQL's own SQL offline, from where the environment stands", async () => {
    const preview = await previewSql({ command: ALEMBIC, cwd: FIXTURE_DIR, databaseUrl: t.url, xArgs: ["echo_url=1"], direction: "upgrade", current: ["a1"], target: "c3" });
    expect(preview.sql).toMatch(/ALTER TABLE customers ADD COLUMN name VARCHAR\(100\)/);
    expect(preview.sql).toMatch(/CREATE TABLE orders \([\s\S]*id INTEGER NOT NULL AUTO_INCREMENT/);
    expect(preview.sql).not.toMatch(/CREATE TABLE customers/);
    expectNoSecret(JSON.stringify(preview));
  });

  it("a 3-step upgrade whose second migration fails: the headline and the re-read state say exactly where MariaDB stands", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "mysql-halfway" });
    const run = await queue(environment, { target: "p3", path: ["p1", "p2", "p3"] });
    const out = await executeRun(opts(s.store.db, run.id, ["p3"], { alembic: { command: ALEMBIC, cwd: halfway } }));
    expect(out.status).toBe("failed");
    // MySQL commits each DDL statement at once: p1 is recorded, p2's first two statements stayed, p3 never ran.
    expect(out.resultRevisions).toEqual(["p1"]);
    expect(await t.tables()).toEqual(["alembic_version", "invoices", "ledger"]);
    const [cols] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'ledger' ORDER BY ORDINAL_POSITION", [t.name]));
    expect(cols.map((r) => r.c)).toEqual(["id", "note"]);
    const headline = out.errorTail!.split("\n")[0]!;
    expect(headline).toMatch(/^Migration p2 \(2 of 3\) failed: \(1146, "Table '\w+\.no_such_table' doesn't exist"\)\. /);
    expect(headline).toContain(
      "MySQL does not roll back schema changes: these statements of p2 ran and stayed: CREATE TABLE invoices (…); ALTER TABLE ledger ADD COLUMN note VARCHAR(40). Undo them, or finish p2 by hand, before running again.",
    );
    expect(headline).toMatch(/mysql-halfway is now at p1 \(1 of 3 migrations applied\)\./);
    const stored = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "failed", resultRevisions: ["p1"] });
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    expectNoSecret(JSON.stringify(stored));
    // Clean up by hand, as the headline asks, for the tests below.
    await withMysql((c) => c.query("DROP TABLE invoices, ledger; DELETE FROM alembic_version"), t.name);
  }, 60_000);

  it("two concurrent runs on one MariaDB database from two Cairn instances: the second is refused while the first holds GET_LOCK", async () => {
    const other = await openStore({ databaseUrl: s.url });
    try {
      const { environment } = await seedEnvironment(s.store, { name: "mysql-shared" });
      const { environment: alias } = await seedEnvironment(s.store, { name: "mysql-alias", project: "another-mysql-project" });
      const r1 = await queue(environment, { target: "c3", path: ["a1", "b2", "c3"] });
      const r2 = await queue(alias, { target: "e5", requestedBy: "someone" });
      let secondRun: Promise<unknown> | undefined;
      let probe: Promise<string> | undefined;
      const first = await executeRun(
        opts(s.store.db, r1.id, ["c3"], {
          actor: { email: "alice@example.com" },
          // Slow steps keep the first run's lock held while the second instance and the probe start their own runners.
          alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=1.5"] },
          onProgress: (p) => {
            if (p.index !== 1) return;
            secondRun = executeRun({ ...opts(other.db, r2.id, ["e5"]), instanceId: "instance-b", actor: { email: "bob@example.com" } }).catch((x) => x);
            probe = probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url });
          },
        }),
      );
      const second = await secondRun;
      expect(first.status).toBe("succeeded");
      expect(await probe).toBe("held");
      expect(isAppError(second) && (second as AppError).code).toBe("locked");
      expect((second as AppError).userMessage).toMatch(/^mysql-alias is being migrated from elsewhere: its database lock is held by connection \d+ \(cairn_run_\w+@/);
      expect((await other.db.run.findUniqueOrThrow({ where: { id: r2.id } })).status).toBe("queued");
      expect(await t.readRevisions()).toEqual(["c3"]);
      expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url })).toBe("free");
      const down = await queue(environment, { kind: "downgrade", target: "base" });
      expect((await executeRun(opts(s.store.db, down.id, []))).status).toBe("succeeded");
      await s.store.db.run.update({ where: { id: r2.id }, data: { status: "cancelled" } });
    } finally {
      await other.close();
    }
  }, 60_000);

  it("Node names the runner's lock: a session holding GET_LOCK(mysqlRunLockName(db)) blocks runs and the probe agrees", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "mysql-held" });
    const outside = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root" });
    try {
      const [[got]] = await outside.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, 0) AS ok", [mysqlRunLockName(t.name)]);
      expect(Number(got!.ok)).toBe(1);
      expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url })).toBe("held");
      const run = await queue(environment, { target: "a1" });
      const e = await executeRun(opts(s.store.db, run.id, ["a1"])).catch((x) => x);
      expect(isAppError(e) && e.code).toBe("locked");
      expect((e as AppError).userMessage).toMatch(/mysql-held is being migrated from elsewhere: its database lock is held by connection \d+\. /);
      expectNoSecret(JSON.stringify(e) + (e as AppError).userMessage);
      expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("queued");
      expect(await t.tables()).not.toContain("customers");
      await outside.query("SELECT RELEASE_LOCK(?)", [mysqlRunLockName(t.name)]);
      expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url })).toBe("free");
      await s.store.db.run.update({ where: { id: run.id }, data: { status: "cancelled" } });
    } finally {
      await outside.end();
    }
  }, 60_000);
});
