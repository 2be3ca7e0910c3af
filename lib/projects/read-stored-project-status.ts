import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ProjectWithEnvironments } from "@/lib/projects/get-project-or-throw";
import { loadProject, type LoadedEnvironment, type UrlOptions } from "@/lib/projects/load-project";
import { readEnvironmentStatus, readProjectStatus } from "@/lib/targets/read-project-status";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readWatchedProjectGraph } from "@/lib/project-graph/read-watched-project-graph";
import { noticeNewHeadsOnRead } from "@/lib/projects/notice-new-heads";
import { summarizeProjectStatus, summarizeRevision, type LastRunProblem, type OverviewStatus, type RevisionSummary } from "@/lib/targets/summarize-project-status";
import type { ProjectStatus } from "@/lib/targets/types";
import type { ReadProjectStatusOptions, StatusEnvironmentInput } from "@/lib/targets/read-project-status";
import { environmentScope, serverTargetPools } from "@/lib/targets/target-pools";

function statusInput(env: LoadedEnvironment): StatusEnvironmentInput {
  return {
    name: env.name,
    url: env.url,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    timeoutMs: env.timeoutMs,
  };
}

/** Status of a project registered in Cairn's store: URLs resolved (env: now, literals decrypted) on the server only. */
export async function readStoredProjectStatus(db: PrismaClient, name: string, opts: UrlOptions & { graph?: ReadProjectStatusOptions["graph"] } = {}): Promise<ProjectStatus> {
  const { project, environments, constants } = await loadProject(db, name, opts);
  // Read off the event loop here, so readProjectStatus never reads a big project inline.
  const graph = opts.graph ?? (await readProjectGraphAsync(project.alembicPath, { constants }).then(({ project: loaded, graph: g }) => ({ graph: g, rootDir: loaded.location.rootDir })));
  return readProjectStatus({ name: project.name, alembicPath: project.alembicPath, constants, environments: environments.map(statusInput) }, { graph });
}

/**
 * What the overview and its poll show: every environment read live, pending paths as counts and
 * first ids (worked out once per graph version), environments ahead of their predecessor, and
 * each environment's last run when it failed or was interrupted.
 */
export function readStoredOverviewStatus(db: PrismaClient, name: string, opts: UrlOptions = {}): Promise<OverviewStatus> {
  // Tabs polling the same project at the same moment share one reading (nothing is reused after it
  // ends). Callers differ only by `env` (tests); the server's secret key is the same for all.
  const key = JSON.stringify([name, opts.env ?? null]);
  const inFlight = overviewReads.get(key);
  if (inFlight) return inFlight;
  const reading = readOverviewStatus(db, name, opts).finally(() => overviewReads.delete(key));
  overviewReads.set(key, reading);
  return reading;
}

const overviewReads = new Map<string, Promise<OverviewStatus>>();

async function readOverviewStatus(db: PrismaClient, name: string, opts: UrlOptions): Promise<OverviewStatus> {
  const { project, environments, constants } = await loadProject(db, name, opts);
  const watched = await readWatchedProjectGraph(project.alembicPath, { constants });
  // A fresh read of the files may hold a new head: recorded, and announced once (graph.new_head).
  await noticeNewHeadsOnRead(db, project, watched.graph, watched.version);
  const [status, lastRuns] = await Promise.all([
    readProjectStatus({ name: project.name, alembicPath: project.alembicPath, environments: environments.map(statusInput) }, { graph: watched, pools: serverTargetPools() }),
    readLastRunProblems(db, project),
  ]);
  return summarizeProjectStatus(status, watched.graph, lastRuns);
}

/** Every revision one environment would apply, in order, with what the overview shows of each. */
export async function readStoredPendingList(db: PrismaClient, projectName: string, envName: string, opts: UrlOptions = {}): Promise<{ environment: string; state: string; pending: (RevisionSummary & { id: string })[] }> {
  const { project, environment, constants } = await loadProject(db, projectName, opts);
  const env = environment(envName);
  const watched = await readWatchedProjectGraph(project.alembicPath, { constants });
  const pools = serverTargetPools();
  const status = await readEnvironmentStatus(statusInput(env), watched.graph, watched.rootDir, pools ? { pools, scope: environmentScope(project.name, env.name) } : undefined);
  const pending = status.pending.map((id) => {
    const node = watched.graph.revisions.get(id);
    return { id, ...(node ? summarizeRevision(node) : { message: "", branchLabels: [] }) };
  });
  return { environment: env.name, state: status.state, pending };
}

/** The newest run that executed on each environment, kept only when it failed or was interrupted. */
async function readLastRunProblems(db: PrismaClient, project: ProjectWithEnvironments): Promise<Map<string, LastRunProblem>> {
  if (project.environments.length === 0) return new Map();
  // One query, a row per environment at most, each found from the newest end of the
  // (environmentId, createdAt) index: a project's history grows without bound, and the overview
  // asks on every poll (two grouped queries before).
  const runs = await db.$queryRaw<{ id: string; environmentId: string; status: string; kind: string; target: string; finishedAt: Date | null; createdAt: Date }[]>`
    SELECT r."id", r."environmentId", r."status"::text AS "status", r."kind"::text AS "kind", r."target", r."finishedAt", r."createdAt"
      FROM "Environment" e
      CROSS JOIN LATERAL (
        SELECT x."id", x."environmentId", x."status", x."kind", x."target", x."finishedAt", x."createdAt"
          FROM "Run" x
         WHERE x."environmentId" = e."id" AND x."projectId" = ${project.id} AND x."status" IN ('running', 'succeeded', 'failed', 'interrupted')
         ORDER BY x."createdAt" DESC, x."id" DESC
         LIMIT 1) r
     WHERE e."projectId" = ${project.id} AND r."status" IN ('failed', 'interrupted')`;
  const names = new Map(project.environments.map((e) => [e.id, e.name]));
  const out = new Map<string, LastRunProblem>();
  for (const r of runs) {
    const envName = names.get(r.environmentId);
    if (!envName || (r.status !== "failed" && r.status !== "interrupted")) continue;
    out.set(envName, { id: r.id, status: r.status, kind: r.kind, target: r.target, at: (r.finishedAt ?? r.createdAt).toISOString() });
  }
  return out;
}
