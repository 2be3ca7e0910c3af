// Issue 17, a Cairn killed (real kill -9) while it makes the backup before a run, against real PostgreSQL and
// MariaDB, pg_dump/mysqldump and Alembic. The dump runs in its own process group and writes to its file, not to Cairn, so it
// outlives Cairn and would finish a `.partial` nobody renames; the runner, its answer never given, lets go
// of the database lock without running Alembic. Once recovery has settled the run, the run sweep stops
// the dump and deletes the file; a live backup, and another Cairn's, are never touched.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { pruneBackups } from "@/lib/backups/run-backup";
import { isRunning, sweepAbandonedBackups } from "@/lib/backups/sweep-abandoned-backups";
import { executeRun } from "@/lib/runner/execute-run";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { crashHarness, sleep, waitFor } from "@/tests/runner/crash-harness";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";
import { createStore, createTarget, seedEnvironment, type Target } from "@/tests/runner/support";
import { withMysql } from "@/tests/support/mysql-databases";

let s: { store: Store; url: string; drop(): Promise<void> };
let t: Target;
let my: MysqlTarget;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-backup-crash-"));
const backupDir = path.join(tmp, "backups");
const runDir = path.join(tmp, "runs");
const stray: number[] = [];

beforeAll(async () => {
  s = await createStore();
  t = await createTarget("cairn_backup_crash_role");
  my = await createMysqlTarget("backupcrash");
}, 60_000);
afterAll(async () => {
  for (const pid of stray) if (isRunning(pid)) process.kill(pid, "SIGKILL");
  await s?.store.close();
  await s?.drop();
  await t?.drop();
  await my?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const pgHarness = crashHarness(() => ({ store: s.store, storeUrl: s.url, target: t }), { runDir, dialect: "postgresql" });
const myHarness = crashHarness(() => ({ store: s.store, storeUrl: s.url, target: my }), { runDir, dialect: "mysql" });

/** The processes whose command line names `file` (Linux /proc): who is writing it. */
function writersOf(file: string): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (
        fs
          .readFileSync(`/proc/${d}/cmdline`, "utf8")
          .split("\0")
          .some((a) => a.includes(file)) &&
        isRunning(Number(d))
      )
        pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** A `.partial` name as runBackup makes it for this run. */
const partialName = (env: string, day: number, runId: string) => `${env}-202611${String(day).padStart(2, "0")}T000000Z-${runId.slice(0, 8)}.dump.partial`;

type Harness = ReturnType<typeof crashHarness>;

/**
 * The environment at b2 (migrated without a backup), then a run to c3 whose backup blocks on a table another
 * session holds (`holding`): Cairn is killed mid-dump. Checks what is left, then recovery and the sweep.
 */
async function killMidBackup(h: Harness, target: { readRevisions(): Promise<string[]>; tables(): Promise<string[]> }, env: string, o: { tool: string; ext: string; holding: (body: () => Promise<void>) => Promise<void> }) {
  const { environment } = await seedEnvironment(s.store, { name: env, protected: true });
  const first = await h.queue(environment, { target: "b2", path: ["a1", "b2"] });
  expect((await executeRun(h.opts(first.id, ["b2"]))).status).toBe("succeeded");
  await s.store.db.environment.update({ where: { id: environment.id }, data: { beforeRun: { kind: "backup", keep: 7, timeoutMs: 600_000 } } });
  const tablesBefore = await target.tables();

  await o.holding(async () => {
    const run = await h.queue(environment, { target: "c3", path: ["c3"] });
    const c = await h.executeInChild(run.id, [], ["c3"], { ready: /backing-up/, env: { CAIRN_BACKUP_DIR: backupDir } });
    const dir = path.join(backupDir, "runner-fixture", env);
    let partial = "";
    // The tool itself (Debian's pg_dump is a wrapper script that execs it, keeping its pid).
    const isTool = (pid: number) => new RegExp(`(^|/)${o.tool}$`).test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!);
    await waitFor(`${o.tool} to start on its .partial`, () => {
      const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith(".partial")) : undefined;
      partial = name ? path.join(dir, name) : "";
      const writers = partial ? writersOf(partial) : [];
      return writers.length === 1 && isTool(writers[0]!);
    });
    const dumpPid = writersOf(partial)[0]!;
    stray.push(dumpPid);
    c.child.kill("SIGKILL");
    await c.exited;

    // What a kill -9 leaves: the dump goes on, and its file is there — never counted as a backup.
    await sleep(1000);
    expect(isRunning(dumpPid)).toBe(true);
    expect(fs.existsSync(partial)).toBe(true);
    const older = `${env}-20261101T000000Z-aaaaaaaa.${o.ext}`;
    fs.writeFileSync(path.join(dir, older), "older backup");
    expect(pruneBackups(dir, env, 1)).toEqual([]);

    // The runner let go of the database lock without an answer: recovery settles the run, nothing ran.
    const settled = await recoverInterruptedRuns(s.store.db, "instance-restarted", { staleMs: 500, inspect: h.inspect(["c3"]) });
    expect(settled.map((r) => [r.runId, r.status])).toEqual([[run.id, "interrupted"]]);
    const row = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.errorTail).toContain(`Alembic had not started (Cairn stopped before it took the database lock or while it made the backup before the run), so nothing ran. ${env} is now at b2.`);
    expect(row.backupFile).toBeNull();

    // The run sweep: the dump stopped, the half-written file gone, the older backup kept.
    const swept = await sweepAbandonedBackups(s.store.db, { backupDir });
    expect(swept.stopped).toEqual([{ pid: dumpPid, runId: run.id }]);
    expect(swept.removed).toEqual([partial]);
    expect(isRunning(dumpPid)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([older]);
  });
  expect(await target.readRevisions()).toEqual(["b2"]);
  expect(await target.tables()).toEqual(tablesBefore);
}

describe("a Cairn killed mid-backup", () => {
  it("PostgreSQL: leaves pg_dump running and a .partial behind; once the run is settled the sweep stops it and deletes the file, and Alembic never ran", async () => {
    await killMidBackup(pgHarness, t, "vault", {
      tool: "pg_dump",
      ext: "dump",
      // Another session holds customers exclusively, so pg_dump waits for its lock.
      holding: async (body) => {
        const holder = new pg.Client({ connectionString: t.url });
        await holder.connect();
        try {
          await holder.query("BEGIN");
          await holder.query("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
          await body();
        } finally {
          await holder.query("ROLLBACK").catch(() => {});
          await holder.end();
        }
      },
    });
  }, 120_000);

  it("MariaDB: the same for mysqldump", async () => {
    await killMidBackup(myHarness, my, "vault-mysql", {
      tool: "mysqldump",
      ext: "sql",
      // Another session write-locks customers, so mysqldump waits to read it.
      holding: (body) =>
        withMysql(async (c) => {
          await c.query("LOCK TABLES customers WRITE");
          try {
            await body();
          } finally {
            await c.query("UNLOCK TABLES");
          }
        }, my.name),
    });
  }, 120_000);

  it("never touches a running run's backup, nor a process or file of a run this store does not know", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "live" });
    const over = await pgHarness.queue(environment, { target: "c3", path: ["c3"] });
    await s.store.db.run.update({ where: { id: over.id }, data: { status: "interrupted" } });
    const live = await pgHarness.queue(environment, { target: "c3", path: ["c3"] });
    await s.store.db.run.update({ where: { id: live.id }, data: { status: "running" } });
    const stranger = "0123abcd-0000-4000-8000-000000000000";

    const dir = path.join(backupDir, "runner-fixture", "live");
    fs.mkdirSync(dir, { recursive: true });
    const files = { live: partialName("live", 2, live.id), over: partialName("live", 3, over.id), stranger: partialName("live", 4, stranger) };
    for (const f of Object.values(files)) fs.writeFileSync(path.join(dir, f), "half a dump");
    // Processes carrying each run's mark, as runBackup's children do.
    const marked = (runId: string) => {
      const p = spawn("sleep", ["60"], { env: { ...process.env, CAIRN_BACKUP_RUN_ID: runId }, stdio: "ignore" });
      stray.push(p.pid!);
      return p.pid!;
    };
    const pids = { live: marked(live.id), over: marked(over.id), stranger: marked(stranger) };
    const marks = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, "utf8").includes("CAIRN_BACKUP_RUN_ID=");
      } catch {
        return false;
      }
    };
    await waitFor("the marked processes to start", () => Object.values(pids).every(marks));

    const swept = await sweepAbandonedBackups(s.store.db, { backupDir });
    expect(swept.stopped).toEqual([{ pid: pids.over, runId: over.id }]);
    expect(swept.removed).toEqual([path.join(dir, files.over)]);
    expect(isRunning(pids.over)).toBe(false);
    expect(isRunning(pids.live)).toBe(true);
    expect(isRunning(pids.stranger)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual([files.live, files.stranger].sort());
  }, 60_000);
});
