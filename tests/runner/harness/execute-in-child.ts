/**
 * A stand-in Cairn server process for crash tests: opens the store and executes one queued run,
 * like a Cairn instance does, so a test can `kill -9` it mid-run. Started by tests/runner/crash-safety.test.ts as
 * `node --conditions=react-server --import tsx tests/runner/harness/execute-in-child.ts` with
 * STORE_URL, RUN_ID, TARGET_URL, INSTANCE_ID and X_ARGS (comma-separated) in its environment (and
 * CAIRN_BACKUP_DIR for an environment that backs up before its runs). Prints "locked" once Alembic may
 * start, "backing-up" when the backup before the run starts.
 */
import { openStore } from "@/lib/db/client";
import { executeRun } from "@/lib/runner/execute-run";

const store = await openStore({ databaseUrl: process.env.STORE_URL! });
const out = await executeRun({
  db: store.db,
  runId: process.env.RUN_ID!,
  instanceId: process.env.INSTANCE_ID ?? "harness",
  actor: { email: "harness@example.com" },
  alembic: { command: ["/usr/bin/python3", "-m", "alembic"], cwd: process.env.PROJECT_DIR!, xArgs: (process.env.X_ARGS ?? "").split(",").filter(Boolean) },
  databaseUrl: process.env.TARGET_URL!,
  readRevisions: async () => [],
  expectedHeads: (process.env.EXPECTED ?? "").split(",").filter(Boolean),
  heartbeatMs: 200,
  onSpawn: (pid) => console.log(`spawned ${pid}`),
  onLine: (line) => {
    if (line.startsWith("Cairn: holding the database lock")) console.log("locked");
    if (line.startsWith("Cairn: backing up")) console.log("backing-up");
  },
});
console.log(`outcome ${out.status}`);
await store.close();
