import { createHash } from "node:crypto";
import { getEventListeners } from "node:events";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@/lib/db/client";
import { openStore } from "@/lib/db/client";
import { executeRun, type ExecuteRunOptions } from "@/lib/runner/execute-run";
import { followRunLog } from "@/lib/runner/follow-run-log";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { previewSql } from "@/lib/runner/preview-sql";
import { isAppError, type AppError } from "@/lib/errors";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { ALEMBIC, FIXTURE_DIR, REQUESTER_ID, createStore, createTarget, queueRun, seedEnvironment, type Target } from "@/tests/runner/support";

let s: { store: Store; url: string; drop(): Promise<void> };
let t: Target;
beforeAll(async () => {
  s = await createStore();
  t = await createTarget("cairn_runner_pw_b");
});
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
});

/** A queued run planned from where the target stands now (as planning would read it). */
async function queue(env: { projectId: string; id: string }, o: Parameters<typeof queueRun>[2], versionTable = "alembic_version") {
  return queueRun(s.store, env, { from: await t.readRevisions(versionTable), ...o });
}

function opts(db: Store["db"], runId: string, expectedHeads: string[], extra: Partial<ExecuteRunOptions> = {}, versionTable = "alembic_version"): ExecuteRunOptions {
  return {
    db,
    runId,
    instanceId: "instance-a",
    actor: { id: "user-approver", email: "approver@example.com" },
    alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
    databaseUrl: t.url,
    readRevisions: () => t.readRevisions(versionTable),
    expectedHeads,
    heartbeatMs: 200,
    ...extra,
  };
}

/** Everything the store holds about a run, as one string, to prove the password is absent. */
async function everythingStored(db: Store["db"], runId: string): Promise<string> {
  const run = await db.run.findUnique({ where: { id: runId } });
  const logs = await db.runLog.findMany({ where: { runId } });
  const audit = await db.auditEvent.findMany({ where: { runId } });
  return JSON.stringify({ run, logs, audit }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(t.password);
  expect(text).not.toContain(encodeURIComponent(t.password));
  expect(text).not.toContain(t.url);
}

describe("executeRun against real Alembic and PostgreSQL", () => {
  it("upgrades, then downgrades, changing the database and the version table, with log, progress and audit", async () => {
    const { environment } = await seedEnvironment(s.store, { versionTable: "cairn_versions" });
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] }, "cairn_versions");
    const progress: string[] = [];
    const out = await executeRun(opts(s.store.db, run.id, ["e5"], { onProgress: (p) => progress.push(p.label), alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["echo_url=1"] } }, "cairn_versions"));
    expect(out.status).toBe("succeeded");
    expect(out.resultRevisions).toEqual(["e5"]);
    expect(progress).toEqual([
      "Applying a1 (1 of 5): create customers",
      "Applying b2 (2 of 5): add customer name",
      "Applying c3 (3 of 5): create orders",
      "Applying d4 (4 of 5): index orders by customer",
      "Applying e5 (5 of 5): order statuses",
    ]);
    expect(await t.readRevisions("cairn_versions")).toEqual(["e5"]);
    expect(await t.tables()).toEqual(expect.arrayContaining(["customers", "orders", "order_statuses", "cairn_versions"]));
    const stored = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "succeeded", errorTail: null, resultRevisions: ["e5"], instanceId: "instance-a" });
    expect(stored.durationMs).toBeGreaterThan(0);
    const logs = await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
    expect(logs.map((l) => l.seq)).toEqual(logs.map((_, i) => i));
    expect(logs.some((l) => l.text.includes("Running upgrade d4 -> e5, order statuses"))).toBe(true);
    expect(logs.at(-1)?.text).toMatch(/^Cairn: succeeded — .* is now at e5\.$/);
    const audit = await s.store.db.auditEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.started", "run.succeeded"]);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    expectNoSecret(await everythingStored(s.store.db, run.id));
    expectNoSecret(JSON.stringify(out));

    const down = await queue(environment, { kind: "downgrade", target: "b2", path: ["e5", "d4", "c3"] }, "cairn_versions");
    const outDown = await executeRun(opts(s.store.db, down.id, ["b2"], {}, "cairn_versions"));
    expect(outDown.status).toBe("succeeded");
    expect(await t.readRevisions("cairn_versions")).toEqual(["b2"]);
    expect(await t.tables()).not.toContain("orders");
    expect(await t.tables()).not.toContain("order_statuses");
    // Reset for the other tests, which use the default version table.
    await t.query("DROP TABLE customers; DROP TABLE cairn_versions");
  });

  it("records a migration that fails halfway: errorTail, re-read state, lock released, no secrets", async () => {
    const { environment } = await seedEnvironment(s.store);
    const prep = await queue(environment, { target: "c3" });
    expect((await executeRun(opts(s.store.db, prep.id, ["c3"]))).status).toBe("succeeded");
    const run = await queue(environment, { target: "f6", path: ["f6"], from: ["c3"] });
    const out = await executeRun(opts(s.store.db, run.id, ["f6"], { alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["echo_url=1"] } }));
    expect(out.status).toBe("failed");
    expect(out.exitCode).not.toBe(0);
    expect(out.resultRevisions).toEqual(["c3"]);
    expect(out.errorTail).toMatch(/relation "no_such_table" does not exist/);
    // The headline first, in plain words: which migration, the database's own error, where it stands now.
    expect(out.errorTail!.split("\n")[0]).toMatch(
      /^Migration f6 \(1 of 1\) failed: relation "no_such_table" does not exist\. Its transaction was rolled back\. staging-\w+ is now at c3 \(0 of 1 migration applied\)\. \(Alembic exited with code 1; expected f6\.\)$/,
    );
    expect(out.errorTail!.split("\n").length).toBeLessThanOrEqual(43);
    // The failed migration's transaction rolled back: its first table is gone too.
    expect(await t.tables()).not.toContain("audit_trail");
    const stored = await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "failed", resultRevisions: ["c3"] });
    expect(stored.errorTail).toBe(out.errorTail);
    expect(await s.store.db.environmentLock.count()).toBe(0);
    expect((await s.store.db.auditEvent.findMany({ where: { runId: run.id } })).map((a) => a.outcome)).toContain("failed");
    expectNoSecret(await everythingStored(s.store.db, run.id));
    expectNoSecret(JSON.stringify(out));
    // The sql preview kept with a run is redacted too.
    const preview = await previewSql({ command: ALEMBIC, cwd: FIXTURE_DIR, databaseUrl: t.url, xArgs: ["echo_url=1"], direction: "upgrade", current: ["c3"], target: "f6" });
    expect(preview.sql).toContain("CREATE TABLE audit_trail");
    expectNoSecret(JSON.stringify(preview));
    await runDown(environment);
  });

  async function runDown(environment: { id: string; projectId: string }) {
    const r = await queue(environment, { kind: "downgrade", target: "base" });
    expect((await executeRun(opts(s.store.db, r.id, []))).status).toBe("succeeded");
  }

  it("marks a run whose Alembic process is SIGKILLed as interrupted and releases the lock", async () => {
    const { environment } = await seedEnvironment(s.store);
    const run = await queue(environment, { target: "e5", path: ["a1", "b2", "c3", "d4", "e5"] });
    const out = await executeRun(
      opts(s.store.db, run.id, ["e5"], {
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.6"] },
        onSpawn: (pid) => setTimeout(() => process.kill(pid, "SIGKILL"), 1500),
      }),
    );
    expect(out.status).toBe("interrupted");
    expect(out.signal).toBe("SIGKILL");
    // Some migrations committed before the kill; the outcome reports the real state.
    const real = await t.readRevisions();
    expect(out.resultRevisions).toEqual(real);
    expect(real).not.toEqual(["e5"]);
    expect(out.errorTail).toMatch(/killed \(SIGKILL\)/);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("interrupted");
    await runDown(environment);
  });

  it("stops a run on abort and records it as interrupted", async () => {
    const { environment } = await seedEnvironment(s.store);
    const run = await queue(environment, { target: "e5" });
    const ac = new AbortController();
    const out = await executeRun(
      opts(s.store.db, run.id, ["e5"], {
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.6"] },
        signal: ac.signal,
        onProgress: (p) => {
          if (p.index === 2) ac.abort();
        },
      }),
    );
    expect(out.status).toBe("interrupted");
    expect(out.summary).toMatch(/stopped before Alembic finished/);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    await runDown(environment);
  });

  it("keys the lock by the database, not by names: two environments (another Cairn instance, another project) on one database never migrate at once", async () => {
    const other = await openStore({ databaseUrl: s.url });
    try {
      const { environment } = await seedEnvironment(s.store, { name: "staging-shared" });
      const { environment: alias } = await seedEnvironment(s.store, { name: "staging-alias", project: "another-project" });
      const r1 = await queue(environment, { target: "c3" });
      const r2 = await queue(alias, { target: "e5", requestedBy: "someone" });
      let second: unknown;
      const first = await executeRun(
        opts(s.store.db, r1.id, ["c3"], {
          actor: { email: "alice@example.com" },
          alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.4"] },
          onProgress: async (p) => {
            if (p.index === 1) second = await executeRun({ ...opts(other.db, r2.id, ["e5"]), instanceId: "instance-b", actor: { email: "bob@example.com" } }).catch((x) => x);
          },
        }),
      );
      expect(first.status).toBe("succeeded");
      expect(isAppError(second) && (second as AppError).code).toBe("locked");
      expect((second as AppError).userMessage).toMatch(/^staging-alias is being migrated from elsewhere: its database lock is held by a session from .*cairn-migration-lock/);
      // Nothing ran for the refused run; it is back in the queue and goes ahead once the first is done.
      expect((await other.db.run.findUniqueOrThrow({ where: { id: r2.id } })).status).toBe("queued");
      await s.store.db.run.update({ where: { id: r2.id }, data: { fromRevisions: ["c3"] } });
      const later = await executeRun({ ...opts(other.db, r2.id, ["e5"]), instanceId: "instance-b", actor: { email: "bob@example.com" } });
      expect(later.status).toBe("succeeded");
      await runDown(environment);
    } finally {
      await other.close();
    }
  });

  it("refuses when another session holds the database's migration lock, and puts the run back in the queue", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "adv" });
    const key = createHash("sha256").update("cairn:alembic-run").digest().readBigInt64BE(0).toString();
    const outside = new pg.Client({ connectionString: t.url, application_name: "outside-session" });
    await outside.connect();
    try {
      await outside.query("SELECT pg_advisory_lock($1::bigint)", [key]);
      const run = await queue(environment, { target: "a1" });
      const e = await executeRun(opts(s.store.db, run.id, ["a1"])).catch((x) => x);
      expect(isAppError(e) && e.code).toBe("locked");
      expect((e as AppError).userMessage).toMatch(/adv is being migrated from elsewhere: its database lock is held by a session .*outside-session/);
      expectNoSecret(JSON.stringify(e) + (e as AppError).message + (e as AppError).userMessage);
      expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("queued");
      expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
      expect(await t.readRevisions()).toEqual([]);
      await s.store.db.run.update({ where: { id: run.id }, data: { status: "cancelled" } });
    } finally {
      await outside.end();
    }
  });

  it("streams a run's log to another instance until the run ends", async () => {
    const other = await openStore({ databaseUrl: s.url });
    try {
      const { environment } = await seedEnvironment(s.store);
      const run = await queue(environment, { target: "c3" });
      const followed: string[] = [];
      const following = (async () => {
        for await (const line of followRunLog(other.db, run.id, 0, { pollMs: 100 })) followed.push(line.text);
      })();
      const out = await executeRun(opts(s.store.db, run.id, ["c3"], { alembic: { command: ALEMBIC, cwd: FIXTURE_DIR, xArgs: ["step_delay=0.3"] } }));
      await following;
      expect(out.status).toBe("succeeded");
      const stored = await s.store.db.runLog.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
      expect(followed).toEqual(stored.map((l) => l.text));
      expect(followed.some((l) => l.includes("Running upgrade b2 -> c3"))).toBe(true);
      // Resuming from a seq yields only what follows it.
      const tail: number[] = [];
      for await (const line of followRunLog(other.db, run.id, stored.length - 2)) tail.push(line.seq);
      expect(tail).toEqual([stored.length - 2, stored.length - 1]);
      await runDown(environment);
    } finally {
      await other.close();
    }
  });

  it("a log followed for long holds one abort listener, not one per poll", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "followed-long" });
    const run = await queue(environment, { target: "c3" }); // queued: open, so the follower keeps polling
    const stop = new AbortController();
    const following = (async () => {
      for await (const line of followRunLog(s.store.db, run.id, 0, { pollMs: 10, signal: stop.signal })) void line;
    })();
    await new Promise((r) => setTimeout(r, 600));
    const listeners = getEventListeners(stop.signal, "abort").length;
    stop.abort();
    await following;
    expect(listeners).toBeLessThanOrEqual(1);
    await s.store.db.run.update({ where: { id: run.id }, data: { status: "cancelled" } });
  });

  it("settles runs of a dead instance whose Alembic is gone: outcome from the re-read state, lock released, audited; live runs untouched", async () => {
    const { environment } = await seedEnvironment(s.store);
    const { environment: liveEnv } = await seedEnvironment(s.store);
    const old = new Date(Date.now() - 10 * 60_000);
    const dead = await s.store.db.run.create({
      data: {
        projectId: environment.projectId,
        environmentId: environment.id,
        kind: "upgrade",
        status: "running",
        target: "e5",
        requestedById: REQUESTER_ID,
        instanceId: "dead-instance",
        heartbeatAt: old,
        startedAt: old,
        runnerPid: 12345,
      },
    });
    await s.store.db.environmentLock.create({ data: { environmentId: environment.id, runId: dead.id, holder: "carol@example.com", instanceId: "dead-instance", heartbeatAt: old, acquiredAt: old } });
    const live = await s.store.db.run.create({
      data: { projectId: liveEnv.projectId, environmentId: liveEnv.id, kind: "upgrade", status: "running", target: "e5", requestedById: REQUESTER_ID, instanceId: "live-instance", heartbeatAt: new Date(), startedAt: new Date() },
    });
    await s.store.db.environmentLock.create({ data: { environmentId: liveEnv.id, runId: live.id, holder: "dave@example.com", instanceId: "live-instance" } });
    // The real probe of the real target: nobody holds its lock.
    const inspect = async () => ({ lock: await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: t.url }), revisions: await t.readRevisions(), expectedHeads: ["e5"] });

    const recovered = await recoverInterruptedRuns(s.store.db, "instance-new", { inspect });
    expect(recovered.map((r) => [r.runId, r.status])).toEqual([[dead.id, "interrupted"]]);
    const after = await s.store.db.run.findUniqueOrThrow({ where: { id: dead.id } });
    expect(after.status).toBe("interrupted");
    expect(after.errorTail).toMatch(/Cairn instance dead-instance stopped while this run was in progress .*without reaching the target.* is now at base\./);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: environment.id } })).toBe(0);
    expect(await s.store.db.environmentLock.count({ where: { environmentId: liveEnv.id } })).toBe(1);
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("running");
    expect((await s.store.db.auditEvent.findMany({ where: { runId: dead.id } })).map((a) => a.action)).toEqual(["run.interrupted"]);
    // Recovering twice changes nothing.
    expect(await recoverInterruptedRuns(s.store.db, "instance-new", { inspect })).toEqual([]);
    // A restarted instance with the same id settles its own runs regardless of heartbeat.
    const mine = await recoverInterruptedRuns(s.store.db, "live-instance", { inspect });
    expect(mine.map((r) => r.runId)).toEqual([live.id]);
  });

  it("never settles a stale run while its database's lock is held, nor when the database cannot be asked", async () => {
    const { environment } = await seedEnvironment(s.store);
    const old = new Date(Date.now() - 10 * 60_000);
    const run = await s.store.db.run.create({
      data: { projectId: environment.projectId, environmentId: environment.id, kind: "upgrade", status: "running", target: "a1", requestedById: REQUESTER_ID, instanceId: "gone", heartbeatAt: old, startedAt: old, runnerPid: 1 },
    });
    const held = await recoverInterruptedRuns(s.store.db, "instance-new", { environmentId: environment.id, inspect: async () => ({ lock: "held", revisions: [], expectedHeads: ["a1"] }) });
    const unknown = await recoverInterruptedRuns(s.store.db, "instance-new", { environmentId: environment.id, inspect: async () => ({ lock: "unknown", revisions: null, expectedHeads: null }) });
    expect([held, unknown]).toEqual([[], []]);
    expect((await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");
    await s.store.db.run.update({ where: { id: run.id }, data: { status: "interrupted" } });
  });

  it("refuses to start a run that is not queued", async () => {
    const { environment } = await seedEnvironment(s.store);
    const run = await s.store.db.run.create({
      data: { projectId: environment.projectId, environmentId: environment.id, kind: "upgrade", status: "awaiting_approval", target: "a1", requestedById: REQUESTER_ID },
    });
    const e = await executeRun(opts(s.store.db, run.id, ["a1"])).catch((x) => x);
    expect(isAppError(e) && e.code).toBe("conflict");
    expect((e as AppError).userMessage).toMatch(/awaiting approval; only an approved, queued run can start/);
  });
});
