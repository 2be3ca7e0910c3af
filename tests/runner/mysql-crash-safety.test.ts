/**
 * The MySQL/MariaDB migration lock (GET_LOCK, keyed by the database) is held by the process that runs
 * Alembic, as PostgreSQL's advisory lock is: real MariaDB, real Alembic (PyMySQL), real process kills.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { isAppError, type AppError } from "@/lib/errors";
import { mysqlRunLockName } from "@/lib/targets/mysql-run-lock-name";
import { executeRun } from "@/lib/runner/execute-run";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { crashHarness, alive, sleep, waitFor } from "@/tests/runner/crash-harness";
import { ALEMBIC, FIXTURE_DIR, createStore, queueRun, seedEnvironment } from "@/tests/runner/support";
import { createMysqlTarget, type MysqlTarget } from "@/tests/runner/mysql-support";
import { withMysql } from "@/tests/support/mysql-databases";

let s: { store: Store; url: string; drop(): Promise<void> };
let t: MysqlTarget;
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-mysql-crash-"));
beforeAll(async () => {
  s = await createStore();
  t = await createMysqlTarget("crash");
}, 60_000);
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
  fs.rmSync(runDir, { recursive: true, force: true });
});

const { queue, opts, inspect, executeInChild } = crashHarness(() => ({ store: s.store, storeUrl: s.url, target: t }), { runDir, dialect: "mysql" });

/** The server thread holding the runner's GET_LOCK, or null. */
async function lockHolderId(): Promise<number | null> {
  const [[row]] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT IS_USED_LOCK(?) AS id", [mysqlRunLockName(t.name)]));
  return row?.id == null ? null : Number(row.id);
}

async function resetTarget() {
  await withMysql((c) => c.query("DROP TABLE IF EXISTS order_statuses, orders, customers; DROP TABLE IF EXISTS alembic_version"), t.name);
}

describe("MariaDB: an Alembic that outlives a kill -9 of Cairn", () => {
  it("keeps GET_LOCK until it ends — no second Alembic, nothing released — then its real outcome is recorded", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "staging" });
    const run = await queue(environment, { target: "c3", path: ["a1", "b2", "c3"] });
    const c = await executeInChild(run.id, ["step_delay=1.5", "echo_url=1"], ["c3"]);
    c.child.kill("SIGKILL");
    await c.exited;
    expect(alive(c.runnerPid)).toBe(true);
    expect(await lockHolderId()).not.toBeNull();

    await sleep(700);
    expect(await recoverInterruptedRuns(s.store.db, "instance-restarted", { staleMs: 500, inspect: inspect(["c3"]) })).toEqual([]);
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");

    const { environment: alias } = await seedEnvironment(s.store, { name: "staging-alias", project: "alias-project" });
    const second = await queueRun(s.store, alias, { target: "e5", from: await t.readRevisions() });
    const refused = await executeRun(opts(second.id, ["e5"])).catch((x) => x);
    expect(isAppError(refused) && (refused as AppError).code).toBe("locked");
    expect((refused as AppError).userMessage).toMatch(/staging-alias is being migrated from elsewhere: its database lock is held by connection \d+/);
    await s.store.db.run.update({ where: { id: second.id }, data: { status: "cancelled" } });

    await waitFor("the orphaned Alembic to finish", () => !alive(c.runnerPid), 30_000);
    expect(await lockHolderId()).toBeNull();
    const settled = await recoverInterruptedRuns(s.store.db, "instance-restarted", { staleMs: 500, inspect: inspect(["c3"]) });
    expect(settled.map((r) => [r.runId, r.status])).toEqual([[run.id, "succeeded"]]);
    expect(await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "succeeded", resultRevisions: ["c3"] });
    const logs = (await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } })).map((l) => l.text);
    expect(logs).toContain("INFO  [alembic.runtime.migration] Running upgrade b2 -> c3, create orders");
    expect(logs.some((l) => l.startsWith("Cairn: MySQL committed: CREATE TABLE orders"))).toBe(true);
    expect(JSON.stringify(logs)).not.toContain(t.password);
    await resetTarget();
  }, 90_000);
});

describe("MariaDB: the lock, held by the process that runs Alembic", () => {
  it("takes GET_LOCK again when its connection is killed mid-run, and the run completes", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "dropped" });
    const run = await queue(environment, { target: "c3", path: ["a1", "b2", "c3"] });
    let killed: number | null = null;
    const out = await executeRun(
      opts(run.id, ["c3"], {
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.8"] },
        watchdogSeconds: 0.2,
        onProgress: async (p) => {
          if (p.index === 1 && killed === null) {
            killed = await lockHolderId();
            await withMysql((c) => c.query(`KILL ${Number(killed)}`));
          }
        },
      }),
    );
    expect(killed).not.toBeNull();
    expect(out.status).toBe("succeeded");
    const logs = (await s.store.db.runLog.findMany({ where: { runId: run.id } })).map((l) => l.text);
    expect(logs).toContain("Cairn: the connection holding the database lock dropped; taking the lock again.");
    expect(logs).toContain("Cairn: database lock taken again.");
    await resetTarget();
  }, 60_000);

  it("stops Alembic rather than migrate unguarded when another session takes GET_LOCK after the drop", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "stolen" });
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] });
    const thief = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root" });
    try {
      const out = await executeRun(
        opts(run.id, ["e5"], {
          alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=1"] },
          watchdogSeconds: 0.3,
          onProgress: async (p) => {
            if (p.index !== 1) return;
            // The thief queues for the lock first, so it wins over the watchdog's no-wait GET_LOCK once the holder dies.
            const holder = await lockHolderId();
            const taking = thief.query("SELECT GET_LOCK(?, 10)", [mysqlRunLockName(t.name)]);
            await withMysql((c) => c.query(`KILL ${Number(holder)}`));
            await taking;
          },
        }),
      );
      expect(out.status).toBe("failed");
      expect(out.exitCode).toBe(77);
      expect(out.summary).toMatch(/another session took the lock, so Cairn stopped Alembic rather than migrate unguarded/);
      expect(await t.readRevisions()).not.toEqual(["e5"]);
    } finally {
      await thief.end();
    }
    await resetTarget();
  }, 60_000);
});
