import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { mysqlUrlForDatabase } from "@/lib/targets/parse-mysql-url";
import { rehearsePath, type RehearsePathInput } from "@/lib/rehearsal/rehearse-path";
import { sweepScratchDatabases } from "@/lib/rehearsal/scratch-database";
import { runAlembic } from "@/lib/runner/run-alembic";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";
import { createMysqlTestDatabase, MYSQL_ADMIN_URL, withMysql } from "@/tests/support/mysql-databases";
import { ALEMBIC, C3, makeProject } from "@/tests/rehearsal/support";

const projects: Array<{ remove(): void }> = [];
const targets: MysqlTarget[] = [];

afterAll(async () => {
  for (const t of targets) await t.drop().catch(() => {});
  for (const p of projects) p.remove();
});

async function scratchDatabases(): Promise<string[]> {
  const [rows] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT SCHEMA_NAME AS d FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'cairn\\_rehearsal\\_%'"));
  return rows.map((r) => String(r.d));
}

/** The target as a rehearsal must leave it: tables, their columns and indexes, version rows. */
async function fingerprint(t: MysqlTarget): Promise<string> {
  const [cols] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2", [t.name]));
  const [idx] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2, 3", [t.name]));
  return JSON.stringify({ cols, idx, versions: await t.readRevisions() });
}

async function scenario(c3: string) {
  const p = makeProject({ "c3_next.py": c3 });
  projects.push(p);
  const t = await createMysqlTarget("rehearse");
  targets.push(t);
  // The target's user may create and drop scratch databases next to it (the default rehearsal server is the target's own).
  const user = decodeURIComponent(/^mysql\+pymysql:\/\/([^:]+):/.exec(t.url)![1]!);
  await withMysql((c) => c.query("GRANT ALL ON `cairn\\_rehearsal\\_%`.* TO ?@'%'", [user]));
  const up = await runAlembic({ command: ALEMBIC, cwd: p.dir, databaseUrl: t.url, args: ["upgrade", "b2"] });
  if (up.exitCode !== 0) throw new Error(up.output);
  const { graph } = readProjectGraph(p.dir);
  const input = (): RehearsePathInput => ({
    id: `m${randomBytes(5).toString("hex")}`,
    targetUrl: t.url,
    projectDir: p.dir,
    alembic: { command: ALEMBIC },
    versionTable: "alembic_version",
    graph,
    from: ["b2"],
    direction: "upgrade",
    steps: ["c3"],
  });
  return { p, t, input };
}

describe("rehearsePath on MariaDB with real Alembic (mysqldump --no-data into a scratch database)", () => {
  it("passes a good path, round-trips it reversibly, leaves the target untouched and drops its copy", async () => {
    const { t, input } = await scenario(C3.good);
    const before = await fingerprint(t);
    const i = input();
    let during: string[] = [];
    const r = await rehearsePath({ ...i, onScratch: () => void scratchDatabases().then((d) => (during = d)) });
    expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([
      ["path", true],
      ["back", true],
      ["again", true],
    ]);
    expect(r.roundTrip).toEqual({ checked: true, reversible: true, differences: [] });
    expect(r.ok).toBe(true);
    expect(during).toContain(`cairn_rehearsal_${i.id}`);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
    expect(await fingerprint(t)).toBe(before);
    expect(JSON.stringify(r)).not.toContain(t.password);
  }, 60_000);

  it("a downgrade that forgets an index is not reversible, and says which index", async () => {
    const { t, input } = await scenario(C3.forgetsIndex);
    const before = await fingerprint(t);
    const r = await rehearsePath(input());
    expect(r.roundTrip.checked).toBe(true);
    expect(r.roundTrip.reversible).toBe(false);
    expect(r.roundTrip.differences).toContain("index ix_notifications_user_id on notifications is missing after downgrade");
    expect(await fingerprint(t)).toBe(before);
  }, 60_000);

  it("refuses an env.py that connects to the target instead of the copy, before any statement", async () => {
    const { p, t, input } = await scenario(C3.good);
    const envPy = path.join(p.dir, "env.py");
    fs.writeFileSync(envPy, fs.readFileSync(envPy, "utf8").replace(/^url = os\.environ\.get\(.*\)$/m, `url = ${JSON.stringify(t.url)}`));
    const before = await fingerprint(t);
    const i = input();
    await expect(rehearsePath(i)).rejects.toMatchObject({ userMessage: expect.stringContaining(`env.py connected to ${t.name} instead of the rehearsal copy cairn_rehearsal_${i.id}.`) });
    expect(await fingerprint(t)).toBe(before);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  }, 60_000);

  it("leaves no scratch database behind after a kill -9 mid-rehearsal, once the start-up sweep has run", async () => {
    const { p, t } = await scenario(C3.good);
    const before = await fingerprint(t);
    const id = `k${randomBytes(5).toString("hex")}`;
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/rehearsal/harness/rehearse-in-child.ts"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, TARGET_URL: t.url, PROJECT_DIR: p.dir, REHEARSAL_ID: id },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no scratch database within 30 s:\n${out}`)), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("scratch ")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Alembic is now inside c3 (each migration sleeps 30 s): the copy exists.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await scratchDatabases()).toContain(`cairn_rehearsal_${id}`);
    child.kill("SIGKILL");
    await exited;
    expect(await scratchDatabases()).toContain(`cairn_rehearsal_${id}`);

    const swept = await sweepScratchDatabases([t.url]);
    expect(swept.problems).toEqual([]);
    expect(swept.dropped).toContain(`cairn_rehearsal_${id}`);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${id}`);
    expect(await fingerprint(t)).toBe(before);
  }, 60_000);

  it("the sweep leaves a live rehearsal's copy alone, and the copy's owner record is in no snapshot", async () => {
    const { t, input } = await scenario(C3.good);
    const i = { ...input(), alembic: { command: ALEMBIC, xArgs: ["step_delay=3"] } };
    let sweeping: Promise<{ present: boolean; swept: string[]; stillThere: boolean; tables: string[] | string }> | null = null;
    const r = await rehearsePath({
      ...i,
      onScratch: ({ name }) => {
        sweeping = (async () => {
          const present = (await scratchDatabases()).includes(name);
          const swept = (await sweepScratchDatabases([i.targetUrl])).dropped;
          const snap = await readEnvironmentSnapshot({ url: mysqlUrlForDatabase(t.url, name), baseDir: "/", versionTable: "alembic_version", timeoutMs: 5000 });
          return { present, swept, stillThere: (await scratchDatabases()).includes(name), tables: snap.ok ? snap.snapshot.tables.map((x) => x.name).sort() : snap.message };
        })();
      },
    });
    expect(sweeping).not.toBeNull();
    const seen = await sweeping!;
    expect(seen).toMatchObject({ present: true, stillThere: true, tables: expect.arrayContaining(["notifications"]) as unknown as string[] });
    expect(seen.swept).not.toContain(`cairn_rehearsal_${i.id}`);
    expect(seen.tables).not.toContain("cairn_rehearsal_owner");
    expect(r.roundTrip).toEqual({ checked: true, reversible: true, differences: [] });
    expect(r.ok).toBe(true);
  }, 60_000);

  it("refuses an environment whose version table lives in another database, before anything is created", async () => {
    const { t, input } = await scenario(C3.good);
    const ops = await createMysqlTestDatabase("rehearse_ops");
    try {
      await withMysql((c) => c.query(`CREATE TABLE \`${ops.name}\`.alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO \`${ops.name}\`.alembic_version VALUES ('b2')`));
      const opsVersions = async () =>
        JSON.stringify(await withMysql((c) => c.query<mysql.RowDataPacket[]>(`SELECT version_num FROM \`${ops.name}\`.alembic_version; SHOW CREATE TABLE \`${ops.name}\`.alembic_version`)).then((r) => r[0]));
      const before = { target: await fingerprint(t), ops: await opsVersions() };
      const scratchBefore = await scratchDatabases();
      const i = { ...input(), versionTableSchema: ops.name };
      await expect(rehearsePath(i)).rejects.toMatchObject({
        userMessage: expect.stringContaining(`Rehearsal is not available for a MySQL environment whose version table lives in another database (${ops.name})`),
      });
      expect((await scratchDatabases()).filter((d) => !scratchBefore.includes(d))).toEqual([]);
      expect({ target: await fingerprint(t), ops: await opsVersions() }).toEqual(before);
    } finally {
      await ops.drop();
    }
  }, 60_000);

  it("a version table schema that is the URL's own database rehearses on the copy's version table, not the target's", async () => {
    const { t, input } = await scenario(C3.good);
    const before = await fingerprint(t);
    const r = await rehearsePath({ ...input(), versionTableSchema: t.name });
    expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([
      ["path", true],
      ["back", true],
      ["again", true],
    ]);
    expect(r.ok).toBe(true);
    expect(await fingerprint(t)).toBe(before);
  }, 60_000);

  it("stops a migration that names the target's database (schema=) at that step, and leaves the target untouched", async () => {
    const { p, t, input } = await scenario(C3.good);
    fs.writeFileSync(
      path.join(p.dir, "versions", "c3_next.py"),
      C3.good.replace('op.add_column("notifications", sa.Column("read_at", sa.DateTime, nullable=True))', `op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True), schema=${JSON.stringify(t.name)})`),
    );
    const before = await fingerprint(t);
    const i = input();
    const r = await rehearsePath(i);
    expect(r.ok).toBe(false);
    expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([["path", false]]);
    expect(r.steps[0]!.error).toContain(`names the target's database ${t.name}`);
    expect(await fingerprint(t)).toBe(before);
    const [audit] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'audit'", [t.name]));
    expect(audit).toEqual([]);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  }, 60_000);

  it("a copy without a readable owner record is left alone until it is 6 h old by its tables' create time", async () => {
    const name = `cairn_rehearsal_o${randomBytes(5).toString("hex")}`;
    // A user who sees only this copy, so the clock moved 7 h ahead cannot touch other rehearsals' copies on the shared server.
    const user = `cairn_sweep_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(9).toString("hex");
    await withMysql(async (c) => {
      await c.query(`CREATE DATABASE \`${name}\`; CREATE TABLE \`${name}\`.notifications (id INT PRIMARY KEY)`);
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
      await c.query(`GRANT ALL ON \`${name}\`.* TO ?@'%'`, [user]);
    });
    try {
      const url = mysqlUrlForDatabase(MYSQL_ADMIN_URL.replace("://root@", `://${user}:${password}@`), name);
      expect((await sweepScratchDatabases([url])).dropped).not.toContain(name);
      expect(await scratchDatabases()).toContain(name);
      const later = await sweepScratchDatabases([url], { now: Date.now() + 7 * 3_600_000 });
      expect(later.dropped).toContain(name);
      expect(await scratchDatabases()).not.toContain(name);
    } finally {
      await withMysql((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\`; DROP USER IF EXISTS '${user}'@'%'`));
    }
  }, 30_000);
});
