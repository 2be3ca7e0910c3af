// What the crash-safety suites (PostgreSQL and MySQL/MariaDB) share: waiting on real processes,
// queueing a run in the test store, the runner's options, and the real lock probe recovery asks.
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
export function crashHarness(get: () => { store: Store; target: HarnessTarget }, o: { runDir: string; dialect: string }) {
  return {
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
