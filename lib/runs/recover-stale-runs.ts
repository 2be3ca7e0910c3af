import "server-only";
import type { PrismaClient, Run } from "@/lib/generated/prisma/client";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import { probeDatabaseLock } from "@/lib/runner/probe-database-lock";
import { dialectOfUrl } from "@/lib/runner/describe-run-failure";
import { recoverInterruptedRuns, type RecoveredRun, type RunInspection } from "@/lib/runner/recover-interrupted-runs";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { resolveRunnerPython } from "@/lib/runner/resolve-runner-python";
import { instanceId } from "@/lib/runs/instance-id";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { storedRevisions } from "@/lib/revision-lists";
import { projectConstants } from "@/lib/projects/project-constants";
import type { UrlOptions } from "@/lib/projects/load-project";

/** How long a run's heartbeat may be silent before its instance counts as gone (CAIRN_RUN_STALE_MS, default 30 s). */
export function runStaleMs(): number {
  const v = Number(process.env.CAIRN_RUN_STALE_MS);
  return Number.isFinite(v) && v >= 1000 ? v : 30_000;
}

/**
 * Asks a stored run's target database what recovery needs: is its migration lock held (its Alembic
 * still alive), where does the version table stand, and where would the run have left it.
 */
export async function inspectRunTarget(db: PrismaClient, run: Run, opts: UrlOptions = {}): Promise<RunInspection> {
  const env = await db.environment.findUnique({ where: { id: run.environmentId }, include: { project: true } });
  if (!env) return { lock: "unknown", revisions: null, expectedHeads: null };
  const url = resolveEnvironmentUrl(env, opts);
  if (!url.ok) return { lock: "unknown", revisions: null, expectedHeads: null };
  const project = env.project;
  // Off the event loop, like every other server-side read of a project (a big one takes seconds).
  const graphRead = await readProjectGraphAsync(project.alembicPath, { constants: projectConstants(project) }).catch(() => null);
  const cwd = graphRead?.project.location.rootDir ?? project.alembicPath;
  const command = project.command;
  let lock: RunInspection["lock"] = "unknown";
  try {
    lock = await probeDatabaseLock({ python: resolveRunnerPython(command, cwd), cwd, databaseUrl: url.url, urlEnvVar: project.urlEnvVar });
  } catch {
    lock = "unknown";
  }
  const read = await readVersionTable({ url: url.url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: Math.max(env.timeoutMs, 3000), baseDir: cwd }).catch(() => null);
  const revisions = read && read.ok ? (read.tableExists ? read.revisions : []) : null;
  let expectedHeads: string[] | null = null;
  if (graphRead) {
    try {
      const from = storedRevisions(run.executedFrom) ?? run.fromRevisions;
      // A stamp's target lists the revisions it writes (comma-separated; "base": none).
      if (run.kind === "stamp") expectedHeads = run.target === "base" ? [] : run.target.split(",").filter(Boolean);
      else expectedHeads = (run.kind === "downgrade" ? downgradePath(graphRead.graph, from, run.target) : upgradePath(graphRead.graph, from, run.target)).resultHeads;
    } catch {
      expectedHeads = null;
    }
  }
  return { lock, revisions, expectedHeads, redact: createRedactor([url.url]), dialect: dialectOfUrl(url.url) };
}

/**
 * Settles runs whose Cairn instance is gone — on one environment (before a request or a run there)
 * or all of them (start-up, the periodic sweep). Never releases a run whose Alembic still holds its
 * database's lock. Never throws: a failure is logged and the caller carries on.
 */
export async function recoverStaleRuns(db: PrismaClient, o: { environmentId?: string; key?: Buffer; includeOwn?: boolean } = {}): Promise<RecoveredRun[]> {
  try {
    const recovered = await recoverInterruptedRuns(db, instanceId(), {
      environmentId: o.environmentId,
      staleMs: runStaleMs(),
      includeOwn: o.includeOwn ?? false,
      inspect: (run) => inspectRunTarget(db, run, { key: o.key }),
    });
    for (const r of recovered) console.warn(`[cairn] run ${r.runId} settled as ${r.status} after its Cairn instance ${r.instanceId ?? "(unknown)"} stopped`);
    return recovered;
  } catch (e) {
    console.error("[cairn] recovery of stale runs failed:", e instanceof Error ? e.message : String(e));
    return [];
  }
}
