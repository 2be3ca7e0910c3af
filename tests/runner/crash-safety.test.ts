/**
 * Run integrity against real PostgreSQL, real Alembic and real process kills (issue 12, items 1–4):
 * an Alembic that outlives a `kill -9`ed Cairn keeps the database locked until it ends and its real
 * outcome is recorded; the executed path is the reviewed one; the lock is the database's, held by the
 * process that runs Alembic, and survives a dropped connection; a running run can be cancelled.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { isAppError, type AppError } from "@/lib/errors";
import { executeRun } from "@/lib/runner/execute-run";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { recoverStaleRuns } from "@/lib/runs/recover-stale-runs";
import { releaseStaleRun } from "@/lib/runs/release-stale-run";
import { encryptSecret } from "@/lib/secrets/encrypt-secret";
import { crashHarness, alive, sleep, waitFor } from "@/tests/runner/crash-harness";
import { ALEMBIC, FIXTURE_DIR, REQUESTER_ID, createStore, createTarget, queueRun, seedEnvironment, type Target } from "@/tests/runner/support";

let s: { store: Store; url: string; drop(): Promise<void> };
let t: Target;
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-crash-"));
beforeAll(async () => {
  s = await createStore();
  t = await createTarget("cairn_runner_pw_crash");
});
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
  fs.rmSync(runDir, { recursive: true, force: true });
});

const { queue, opts, inspect, executeInChild } = crashHarness(() => ({ store: s.store, storeUrl: s.url, target: t }), { runDir, dialect: "postgresql" });

/** SQL as the environment's own role (tables it must own), as a hand-applied change would be. */
async function asTargetRole(sql: string) {
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function downToBase(env: { projectId: string; id: string }) {
  const r = await queue(env, { kind: "downgrade", target: "base" });
  expect((await executeRun(opts(r.id, []))).status).toBe("succeeded");
}

describe("an Alembic that outlives a kill -9 of Cairn", () => {
  it("keeps the database locked until it ends — no second Alembic, nothing released — then its real outcome is recorded", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "staging" });
    const run = await queue(environment, { target: "c3", path: ["a1", "b2", "c3"] });
    // echo_url: the fixture's env.py prints the URL and password — the orphan's own log must be redacted when stored.
    const c = await executeInChild(run.id, ["step_delay=1.5", "echo_url=1"], ["c3"]);
    c.child.kill("SIGKILL");
    await c.exited;
    expect(alive(c.runnerPid)).toBe(true);

    // Cairn comes back (another instance id): the run is stale by heartbeat, but its Alembic holds the lock.
    await sleep(700);
    expect(await recoverInterruptedRuns(s.store.db, "instance-restarted", { staleMs: 500, inspect: inspect(["c3"]) })).toEqual([]);
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(1);

    // The same database under another name: refused by the database's lock, not started beside the orphan.
    const { environment: alias } = await seedEnvironment(s.store, { name: "staging-alias", project: "alias-project" });
    const second = await queueRun(s.store, alias, { target: "e5", from: await t.readRevisions() });
    const refused = await executeRun(opts(second.id, ["e5"])).catch((x) => x);
    expect(isAppError(refused) && (refused as AppError).code).toBe("locked");
    expect((refused as AppError).userMessage).toMatch(/staging-alias is being migrated from elsewhere: its database lock is held/);
    await s.store.db.run.update({ where: { id: second.id }, data: { status: "cancelled" } });

    await waitFor("the orphaned Alembic to finish", () => !alive(c.runnerPid), 30_000);
    const settled = await recoverInterruptedRuns(s.store.db, "instance-restarted", { staleMs: 500, inspect: inspect(["c3"]) });
    expect(settled.map((r) => [r.runId, r.status])).toEqual([[run.id, "succeeded"]]);
    const after = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: "succeeded", resultRevisions: ["c3"], errorTail: null, executedFrom: [], executedSteps: ["a1", "b2", "c3"] });
    expect(await t.readRevisions()).toEqual(["c3"]);
    const logs = (await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } })).map((l) => l.text);
    // What Alembic printed after Cairn died is in the run's log, redacted.
    expect(logs).toContain("INFO  [alembic.runtime.migration] Running upgrade b2 -> c3, create orders");
    expect(logs.at(-1)).toMatch(/^Cairn: succeeded — Cairn instance harness-\d+ stopped while this run was in progress .* finished while Cairn was down\. staging is now at c3\.$/);
    const stored = JSON.stringify(logs);
    expect(stored).not.toContain(t.password);
    expect(stored).not.toContain(encodeURIComponent(t.password));
    expect((await s.store.db.auditEvent.findMany({ where: { runId: run.id } })).map((a) => a.action)).toContain("run.recovered");
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    // The runner's own files are gone once recorded.
    expect(fs.readdirSync(runDir).filter((f) => f.startsWith(run.id))).toEqual([]);
    await downToBase(environment);
  });

  it("after a quick restart the environment is free again as soon as the orphan ends — on the next request, no restart needed", async () => {
    const key = randomBytes(32);
    const { environment } = await seedEnvironment(s.store, { name: "quick" });
    await s.store.db.environment.update({ where: { id: environment.id }, data: { urlEncrypted: encryptSecret(t.url, key) } });
    const run = await queue(environment, { target: "b2", path: ["a1", "b2"] });
    // Each step sleeps 4 s, so the orphan surely still holds the lock 1.2 s after the kill, however loaded the machine.
    const c = await executeInChild(run.id, ["step_delay=4"], ["b2"]);
    c.child.kill("SIGKILL");
    await c.exited;
    // Restarted within seconds under a new instance id; the request path settles stale runs itself.
    process.env.CAIRN_RUN_STALE_MS = "1000";
    try {
      await sleep(1200);
      expect(await recoverStaleRuns(s.store.db, { environmentId: environment.id, key })).toEqual([]); // still running: held
      await waitFor("the orphaned Alembic to finish", () => !alive(c.runnerPid), 30_000);
      const settled = await recoverStaleRuns(s.store.db, { environmentId: environment.id, key });
      expect(settled.map((r) => r.status)).toEqual(["succeeded"]);
    } finally {
      delete process.env.CAIRN_RUN_STALE_MS;
    }
    // A new run on the environment can be queued and run at once.
    const next = await queue(environment, { target: "c3", path: ["c3"] });
    expect((await executeRun(opts(next.id, ["c3"]))).status).toBe("succeeded");
    await downToBase(environment);
  });
});

describe("the path that runs is the path that was reviewed", () => {
  it("does not run when the database moved after the review (upgrade and downgrade), and says so", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "qa-moved" });
    const reviewed = await queueRun(s.store, environment, { target: "c3", path: ["a1", "b2", "c3"], from: [] });
    // Someone else moved it meanwhile.
    await asTargetRole("CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('a1'); CREATE TABLE customers (id serial primary key)");
    const out = await executeRun(opts(reviewed.id, ["c3"]));
    expect(out.status).toBe("stale");
    expect(out.summary).toBe("qa-moved moved from base to a1 after this run was reviewed, so the reviewed path is not what would run. Nothing was run; review it again.");
    expect(await t.readRevisions()).toEqual(["a1"]);
    const stored = await s.store.db.run.findUniqueOrThrow({ where: { id: reviewed.id } });
    expect(stored).toMatchObject({ status: "stale", executedFrom: ["a1"], executedSteps: [] });
    expect((await s.store.db.auditEvent.findMany({ where: { runId: reviewed.id } })).map((a) => a.action)).toEqual(["run.started", "run.refused-moved"]);

    // A downgrade reviewed from a1 to base while the database went on to c3 would revert c3, b2 and a1.
    const up = await queue(environment, { target: "c3", path: ["b2", "c3"] });
    expect((await executeRun(opts(up.id, ["c3"]))).status).toBe("succeeded");
    const down = await queueRun(s.store, environment, { kind: "downgrade", target: "base", path: ["a1"], from: ["a1"] });
    const refused = await executeRun(opts(down.id, []));
    expect(refused.status).toBe("stale");
    expect(refused.summary).toMatch(/^qa-moved moved from a1 to c3 after this run was reviewed/);
    expect(await t.readRevisions()).toEqual(["c3"]);
    await downToBase(environment);
  });

  it("does not run when the migration files changed since the review so that the path would differ", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-replan-"));
    fs.cpSync(FIXTURE_DIR, project, { recursive: true });
    const { environment } = await seedEnvironment(s.store, { name: "replan" });
    const run = await queue(environment, { target: "b2", path: ["a1", "b2"] });
    // Under the lock, re-planning finds a different path (as a new or edited file would make it).
    const out = await executeRun(opts(run.id, ["b2"], { alembic: { command: ALEMBIC, cwd: project }, replan: async () => ({ steps: ["a1", "x9", "b2"], reviewedFiles: [] }) }));
    expect(out.status).toBe("stale");
    expect(out.summary).toBe("The migration files changed after this run was reviewed: from base the path is now a1 → x9 → b2 instead of the reviewed a1 → b2. Nothing was run; review it again.");
    expect(await t.readRevisions()).toEqual([]);
    fs.rmSync(project, { recursive: true, force: true });
  });
});

describe("the database lock, held by the process that runs Alembic", () => {
  it("takes the lock again when its connection drops mid-run, and the run completes", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "dropped" });
    const run = await queue(environment, { target: "c3", path: ["a1", "b2", "c3"] });
    let killed = false;
    const out = await executeRun(
      opts(run.id, ["c3"], {
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.8"] },
        watchdogSeconds: 0.2,
        onProgress: async (p) => {
          if (p.index === 1 && !killed) {
            killed = true;
            await t.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cairn-migration-lock' AND datname = current_database()");
          }
        },
      }),
    );
    expect(out.status).toBe("succeeded");
    const logs = (await s.store.db.runLog.findMany({ where: { runId: run.id } })).map((l) => l.text);
    expect(logs).toContain("Cairn: the connection holding the database lock dropped; taking the lock again.");
    expect(logs).toContain("Cairn: database lock taken again.");
    await downToBase(environment);
  });

  it("stops Alembic rather than migrate unguarded when another session takes the lock after the drop", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "stolen" });
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] });
    const key = (await import("node:crypto")).createHash("sha256").update("cairn:alembic-run").digest().readBigInt64BE(0).toString();
    const thief = new pg.Client({ connectionString: t.url });
    await thief.connect();
    try {
      const out = await executeRun(
        opts(run.id, ["e5"], {
          alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=1"] },
          watchdogSeconds: 0.3,
          onProgress: async (p) => {
            if (p.index === 1) {
              await t.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cairn-migration-lock' AND datname = current_database()");
              await thief.query("SELECT pg_advisory_lock($1::bigint)", [key]);
            }
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
    await downToBase(environment);
  });
});

describe("cancelling a running run", () => {
  it("stops its Alembic, the migration in progress rolls back, and the outcome is recorded", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "cancel-me" });
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] });
    const out = await executeRun(
      opts(run.id, ["e5"], {
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=1"] },
        onProgress: async (p) => {
          // As the cancel route does, from any instance: the request lands in the store.
          if (p.index === 2) await s.store.db.run.update({ where: { id: run.id }, data: { cancelRequestedAt: new Date(), cancelRequestedBy: "admin@example.com", cancelReason: "wrong window" } });
        },
      }),
    );
    expect(out.status).toBe("cancelled");
    expect(out.summary).toMatch(/^Cancelled by admin@example\.com \(wrong window\) while Alembic was running\./);
    const now = await t.readRevisions();
    expect(now).not.toEqual(["e5"]);
    expect(out.resultRevisions).toEqual(now);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url })).toBe("free");
    await downToBase(environment);
  });
});

describe("a Cairn that stalls while its run is settled elsewhere", () => {
  it("does not overwrite the settled outcome when it wakes: one outcome, one event; what it saw is audited beside it", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "stalled" });
    await s.store.db.webhook.create({
      data: {
        projectId: environment.projectId,
        name: "all",
        urlEncrypted: "x",
        urlMasked: "http://127.0.0.1:9/hook",
        format: "json",
        events: ["run.succeeded", "run.interrupted", "run.failed"],
        secretEncrypted: "x",
        createdBy: "t",
      },
    });
    const run = await queue(environment, { target: "b2", path: ["a1", "b2"] });
    const c = await executeInChild(run.id, ["step_delay=1.5"], ["b2"]);
    // Its instance stops (SIGSTOP: an event loop blocked for minutes, a paused VM) while its Alembic goes on and ends.
    c.child.kill("SIGSTOP");
    try {
      // Another instance finds it quiet and, once the database's lock is free, settles it from the version table.
      let settled: Awaited<ReturnType<typeof recoverInterruptedRuns>> = [];
      await waitFor("another instance to settle the quiet run", async () => (settled = await recoverInterruptedRuns(s.store.db, "instance-b", { staleMs: 500, inspect: inspect(["b2"]) })).length > 0, 30_000);
      expect(settled.map((r) => r.status)).toEqual(["succeeded"]);
    } finally {
      c.child.kill("SIGCONT");
    }
    await c.exited;
    // What the woken instance returns and the log's last line are the outcome that stands, not what it saw.
    expect(c.output()).toMatch(/^outcome succeeded$/m);
    const after = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("succeeded");
    const logs = (await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } })).map((l) => l.text);
    expect(logs.at(-1)).toMatch(/^Cairn: Cairn instance harness-\d+ saw this run end \w+ \(.*\), but another instance had already recorded it as succeeded while this one was not answering; that outcome stands\.$/);
    const actions = (await s.store.db.auditEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions.filter((a) => /^run\.(succeeded|failed|interrupted|cancelled|recovered)$/.test(a))).toEqual(["run.recovered"]);
    expect(actions).toContain("run.outcome-after-settled");
    const events = await s.store.db.webhookDelivery.findMany({ where: { webhook: { projectId: environment.projectId } } });
    expect(events.map((e) => e.event)).toEqual(["run.succeeded"]);
    await downToBase(environment);
  }, 90_000);
});

describe("an admin releases a stale run", () => {
  it("is refused while the database's lock is held, and otherwise settles the run with the written reason, audited", async () => {
    const key = randomBytes(32);
    const { environment } = await seedEnvironment(s.store, { name: "release-me" });
    await s.store.db.environment.update({ where: { id: environment.id }, data: { urlEncrypted: encryptSecret(t.url, key) } });
    const old = new Date(Date.now() - 10 * 60_000);
    const run = await s.store.db.run.create({
      data: {
        projectId: environment.projectId,
        environmentId: environment.id,
        kind: "upgrade",
        status: "running",
        target: "a1",
        requestedById: REQUESTER_ID,
        instanceId: "gone",
        heartbeatAt: old,
        startedAt: old,
        runnerPid: 999_999,
        runnerHost: "elsewhere",
      },
    });
    await s.store.db.environmentLock.create({ data: { environmentId: environment.id, runId: run.id, holder: "x@example.com", instanceId: "gone", heartbeatAt: old } });
    const admin = { kind: "user" as const, userId: "admin-id", email: "admin@example.com", name: "Admin", role: "admin" as const };
    const lockKey = (await import("node:crypto")).createHash("sha256").update("cairn:alembic-run").digest().readBigInt64BE(0).toString();
    const outside = new pg.Client({ connectionString: t.url });
    await outside.connect();
    await outside.query("SELECT pg_advisory_lock($1::bigint)", [lockKey]);
    const held = await releaseStaleRun(s.store.db, { runId: run.id, actor: admin, reason: "host rebooted", key }).catch((x) => x);
    expect(isAppError(held) && (held as AppError).code).toBe("locked");
    expect((held as AppError).userMessage).toMatch(/release-me's migration lock is held \(the run's Alembic was process 999999 on elsewhere\)/);
    await outside.end();

    const settled = await releaseStaleRun(s.store.db, { runId: run.id, actor: admin, reason: "host rebooted", key });
    expect(settled.status).toBe("interrupted");
    const after = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.errorTail).toMatch(/^Released by admin@example\.com: host rebooted\n/);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    const audit = await s.store.db.auditEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.interrupted", "run.released"]);
  });
});

describe("SQLite: the lock is the real file's", () => {
  it("the same database file under another name (a symbolic link) is held by the same lock", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-sqlite-lock-"));
    const file = path.join(dir, "app.db");
    fs.writeFileSync(file, "");
    fs.symlinkSync(file, path.join(dir, "alias.db"));
    // A runner holding the real file's lock while it waits for Cairn's answer.
    const holder = spawn("/usr/bin/python3", [path.resolve(import.meta.dirname, "../../lib/runner/python/cairn_run.py"), "--", "current"], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: `sqlite:///${file}` },
      stdio: ["pipe", "ignore", "ignore", "pipe"],
    });
    let control = "";
    (holder.stdio[3] as NodeJS.ReadableStream).on("data", (c: Buffer) => (control += c.toString()));
    await waitFor("the holder to lock the file", () => control.includes('"locked"'), 20_000);
    try {
      expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: dir, databaseUrl: `sqlite:///${path.join(dir, "alias.db")}` })).toBe("held");
    } finally {
      holder.stdin!.end("no\n");
      await new Promise((r) => holder.on("exit", r));
    }
    expect(await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: dir, databaseUrl: `sqlite:///${path.join(dir, "alias.db")}` })).toBe("free");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
