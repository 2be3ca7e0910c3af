import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { rehearsePath, type RehearsePathInput } from "@/lib/rehearsal/rehearse-path";
import { runAlembic } from "@/lib/runner/run-alembic";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";
import { withMysql } from "@/tests/support/mysql-databases";
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
});
