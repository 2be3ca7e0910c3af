import "server-only";
import fs from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { userMessageOf } from "@/lib/errors";
import { loadCairnConfig } from "@/lib/config/cairn-config";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";
import { createUser } from "@/lib/auth/create-user";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { revokeTokensCreatedForOthers } from "@/lib/auth/manage-api-tokens";
import { recoverStaleRuns } from "@/lib/runs/recover-stale-runs";
import { runSweepJob, startRunSweeps } from "@/lib/runs/run-sweep-job";
import type { JobDefinition } from "@/lib/jobs/define-job";
import { startJobQueue } from "@/lib/jobs/job-queue";
import { deliverWebhookJob } from "@/lib/webhooks/deliver-webhook-job";
import { schemaReadJob } from "@/lib/drift-service/schema-read-job";
import { schemaReadSweepJob, startSchemaReadSweeps } from "@/lib/drift-service/schema-read-sweep-job";
import { checkHeadsJob, scheduleHeadChecks } from "@/lib/projects/check-heads-job";
import { sweepRehearsals } from "@/lib/rehearsal/sweep-rehearsals";
import { getStore, type Store } from "@/lib/db/client";
import { recordCommandRun } from "@/lib/runner/record-command-run";
import { getProjectGraph } from "@/lib/server/project-view";
import { checkBeforeRunSettings } from "@/lib/backups/check-before-run-settings";
import { inBackground } from "@/lib/server/background";

/** cairn.config.json: CAIRN_CONFIG, else ./cairn.config.json when present (one definition, in lib/config). */
export { configFilePath } from "@/lib/config/config-file-path";
import { configFilePath } from "@/lib/config/config-file-path";

/** The demo's accounts, one per role (two release managers, for the two-person rule). Demo only. */
export const DEMO_USERS = [
  { email: "admin@cairn.local", role: "admin", name: "Ada Admin" },
  { email: "qa@cairn.local", role: "qa", name: "Quinn QA" },
  { email: "alice@cairn.local", role: "release_manager", name: "Alice Release" },
  { email: "bob@cairn.local", role: "release_manager", name: "Bob Release" },
  { email: "viewer@cairn.local", role: "viewer", name: "Vera Viewer" },
] as const;

async function seedDemoUsers(db: PrismaClient, password: string): Promise<void> {
  for (const u of DEMO_USERS) {
    if (await db.user.findUnique({ where: { email: u.email } })) continue;
    await createUser(db, { email: u.email, password, role: u.role, name: u.name });
  }
}

const state = globalThis as unknown as { __cairnStartUpProblems?: string[]; __cairnStarting?: Promise<void> };

/** Problems found at start-up (a bad cairn.config.json, …), shown as a banner on every page. */
export function startUpProblems(): string[] {
  return state.__cairnStartUpProblems ?? [];
}

/** Runs `<command> --version` without a shell; resolves to the version text, or null when it cannot run. */
function alembicVersion(command: string[], cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    const [bin, ...args] = command;
    if (!bin) return resolve(null);
    let out = "";
    const child = spawn(bin, [...args, "--version"], { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code === 0 ? out.trim() : null));
  });
}

/** A banner for every project whose Alembic command cannot run: the dashboard stays read-only for it. */
export async function checkAlembicCommands(db: PrismaClient): Promise<string[]> {
  const projects = await db.project.findMany({ select: { id: true, name: true, command: true, alembicPath: true } });
  const problems: string[] = [];
  await Promise.all(
    projects.map(async (p) => {
      const command = p.command.length ? p.command : ["alembic"];
      const target = path.resolve(p.alembicPath);
      const cwd = fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : path.dirname(target);
      // A program started as the server's user: on record like every run of a project's command.
      await recordCommandRun({ db, actor: { label: "cairn" }, purpose: "version", projectId: p.id }, [...command, "--version"]);
      if ((await alembicVersion(command, fs.existsSync(cwd) ? cwd : process.cwd())) !== null) return;
      problems.push(
        `Alembic is not available for project "${p.name}" (\`${command.join(" ")} --version\` did not run), so upgrades, downgrades and promotions cannot run; ` +
          `everything else is read-only as usual. Install it — apt-get install alembic python3-psycopg2, or pip install alembic psycopg2-binary — ` +
          `or set the project's command (e.g. ["poetry", "run", "alembic"]), then restart Cairn.`,
      );
    }),
  );
  return problems;
}

/**
 * Reads every project's graph in the background into the graph the pages show (getProjectGraph keeps
 * it while the files are unchanged), so the first visitor of a large project waits for no read (the
 * browser lays it out; where environments stand is read per visit anyway). Failures are only logged:
 * the page reports them itself.
 */
function warmProjectViews(db: PrismaClient): void {
  void (async () => {
    for (const { name } of await db.project.findMany({ select: { name: true } })) {
      await getProjectGraph(name).catch((e: unknown) => console.warn(`start-up: graph of ${name} not prepared: ${userMessageOf(e)}`));
    }
  })().catch((e: unknown) => console.warn("start-up: graph warm-up failed", e));
}

/** Every background job this process works (lib/jobs); each queue is also listed in lib/jobs/queues.ts. */
const CAIRN_JOBS: JobDefinition[] = [runSweepJob, deliverWebhookJob, schemaReadSweepJob, schemaReadJob, checkHeadsJob];

/**
 * Runs once per process, right after the store opens: bootstrap admin, demo accounts, projects
 * declared in cairn.config.json, the job queue. A bad config file is reported, not fatal: the
 * dashboard still starts and shows the message.
 */
export async function runStartUpTasks(store: Store): Promise<void> {
  const { db } = store;
  const problems: string[] = [];
  await ensureBootstrapAdmin(db);
  // Tokens an admin once minted for someone else would let one person pass the two-person rule.
  const revoked = await revokeTokensCreatedForOthers(db).catch((e: unknown) => (console.error("start-up: could not check API tokens", e), 0));
  if (revoked) console.warn(`[cairn] revoked ${revoked} API token(s) that were created by an admin for someone else`);
  if (process.env.CAIRN_DEMO === "1") await seedDemoUsers(db, process.env.CAIRN_DEMO_PASSWORD ?? "cairn-demo-password");
  const file = configFilePath();
  if (file) {
    try {
      await syncConfigProjects(db, loadCairnConfig(file), { key: getSecretKey() });
    } catch (e) {
      console.error(`start-up: ${file} was not applied`, e);
      problems.push(`${path.basename(file)} was not applied: ${userMessageOf(e)}`);
    }
  }
  // Started before the rest of start-up (the reads run in a worker thread), so a large project's graph is
  // ready, or nearly, when the server first answers.
  warmProjectViews(db);
  // Runs left "running" by an instance that died are settled once their Alembic has let go of the
  // database; the sweeps (a job, once across instances) keep doing so while Cairn runs.
  await recoverStaleRuns(db, { includeOwn: true, key: getSecretKey() });
  const queue = await startJobQueue(store, CAIRN_JOBS);
  await startRunSweeps(db, queue);
  // Each environment's schema is read in the background on a schedule (the pages compare those readings).
  await startSchemaReadSweeps(db, queue);
  // New heads in the projects' files are announced (graph.new_head) even when nobody has a page open.
  await scheduleHeadChecks(queue);
  // Scratch databases of rehearsals whose process died (kill -9, a crash): in the background, a server may be slow to answer.
  void sweepRehearsals(db, { key: getSecretKey() })
    .then((r) => r.dropped.length && console.warn(`[cairn] dropped ${r.dropped.length} scratch database(s) left by interrupted rehearsals: ${r.dropped.join(", ")}`))
    .catch((e: unknown) => console.error("start-up: could not sweep rehearsal leftovers", e));
  problems.push(...(await checkAlembicCommands(db)));
  // beforeRun backups that cannot work (no CAIRN_BACKUP_DIR, no pg_dump, …): said now, and each run's plan blocks on it too.
  problems.push(...(await checkBeforeRunSettings(db, { key: getSecretKey() }).catch((e: unknown) => [`The before-run backup settings could not be checked: ${userMessageOf(e)}`])));
  state.__cairnStartUpProblems = problems;
}

/** How long to wait before trying again when the store cannot open yet (a PostgreSQL store still starting). */
const START_RETRY_MS = 5_000;

/**
 * Opens the store and runs the start-up tasks, once per process: instrumentation.ts's register()
 * calls it before the server answers. When the store cannot open yet, it says so and tries again
 * every 5 s in the background, so the server still starts and /api/health reports the store's
 * state (503) instead of the process exiting.
 */
export function startCairn(): Promise<void> {
  const attempt = async (): Promise<void> => {
    try {
      await runStartUpTasks(await getStore());
    } catch (e) {
      console.error(`start-up: not completed (${userMessageOf(e)}); trying again in ${START_RETRY_MS / 1000} s`);
      setTimeout(() => void attempt(), START_RETRY_MS).unref();
    }
  };
  // Background work (lib/server/background.ts), with all it starts — the job queue's pollers and jobs, the
  // graph warm-up, the sweeps: on the embedded store they let the event loop turn between their queries, so
  // a first visit soon after start-up is not held back by them.
  state.__cairnStarting ??= inBackground(attempt);
  return state.__cairnStarting;
}
