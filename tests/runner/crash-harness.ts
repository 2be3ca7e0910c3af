// What the crash-safety suites (PostgreSQL and MySQL/MariaDB) share: waiting on real processes,
// queueing a run in the test store, the runner's options, and the real lock probe recovery asks.
import { spawn } from "node:child_process";
import path from "node:path";
import type { Store } from "@/lib/db/client";
import type { ExecuteRunOptions } from "@/lib/runner/execute-run";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { ALEMBIC, FIXTURE_DIR, queueRun } from "@/tests/runner/support";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process still exists (signal 0 probes without signalling). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface HarnessTarget {
  url: string;
  readRevisions(): Promise<string[]>;
}

/** Run helpers bound to a suite's store and target, read when called (both are made in beforeAll). */
export function crashHarness(get: () => { store: Store; storeUrl: string; target: HarnessTarget }, o: { runDir: string; dialect: string }) {
  return {
    /**
     * A Cairn stand-in in a child process (tests/runner/harness/execute-in-child.ts) that executes one run;
     * resolves once its output matches `ready` (default: its Alembic holds the lock), to be `kill -9`ed.
     */
    async executeInChild(runId: string, xArgs: string[], expected: string[], c: { ready?: RegExp; env?: Record<string, string> } = {}) {
      const { storeUrl, target } = get();
      const ready = c.ready ?? /\blocked\b/;
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/runner/harness/execute-in-child.ts"], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: {
          ...process.env,
          STORE_URL: storeUrl,
          RUN_ID: runId,
          TARGET_URL: target.url,
          PROJECT_DIR: FIXTURE_DIR,
          X_ARGS: xArgs.join(","),
          EXPECTED: expected.join(","),
          CAIRN_RUN_DIR: o.runDir,
          INSTANCE_ID: `harness-${process.pid}`,
          ...c.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr.on("data", (b: Buffer) => (out += b.toString()));
      const exited = new Promise<void>((r) => child.on("exit", () => r()));
      await waitFor(`the child to print ${ready} (output so far: ${out})`, () => ready.test(out), 60_000);
      const runnerPid = Number(/spawned (\d+)/.exec(out)?.[1]);
      return { child, runnerPid, exited, output: () => out };
    },
    async queue(env: { projectId: string; id: string }, q: Parameters<typeof queueRun>[2]) {
      const { store, target } = get();
      return queueRun(store, env, { from: await target.readRevisions(), ...q });
    },
    opts(runId: string, expectedHeads: string[], extra: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions {
      const { store, target } = get();
      return {
        db: store.db,
        runId,
        instanceId: "instance-a",
        actor: { email: "rm@example.com" },
        alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
        databaseUrl: target.url,
        readRevisions: () => target.readRevisions(),
        expectedHeads,
        heartbeatMs: 200,
        logDir: o.runDir,
        ...extra,
      };
    },
    /** The real probe of the real target, as recovery asks it. */
    inspect: (expectedHeads: string[]) => async () => {
      const { target } = get();
      return {
        lock: await probeDatabaseLock({ python: ["/usr/bin/python3"], cwd: FIXTURE_DIR, databaseUrl: target.url }),
        revisions: await target.readRevisions(),
        expectedHeads,
        redact: createRedactor([target.url]),
        dialect: o.dialect,
      };
    },
  };
}
