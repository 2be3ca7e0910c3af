import "server-only";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { computeEnvironmentState } from "@/lib/targets/compute-environment-state";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { RevisionGraph } from "@/lib/graph/types";
import { environmentScope, type TargetPools } from "@/lib/targets/target-pools";
import type { EnvironmentStatus, ProjectStatus, UnreachableReason, VersionTableReadResult } from "@/lib/targets/types";

/** An environment to check, with its URL already resolved (or the reason it could not be). */
export interface StatusEnvironmentInput {
  name: string;
  url: { ok: true; url: string } | { ok: false; reason: UnreachableReason; message: string };
  versionTable?: string;
  versionTableSchema?: string | null;
  timeoutMs?: number;
}

export interface StatusProjectInput {
  name: string;
  /** alembic.ini, a directory holding one, or a versions directory. */
  alembicPath: string;
  constants?: Record<string, string | string[] | null>;
  environments: StatusEnvironmentInput[];
}

export interface ReadProjectStatusOptions {
  /** An already-read graph and the directory Alembic runs in (skips reading the project). */
  graph?: { graph: RevisionGraph; rootDir: string };
  /**
   * Keep each environment's connection for its next reading (the server's poll): one pool per
   * project, environment and URL. Without it every connection is closed after its reading.
   */
  pools?: TargetPools | null;
}

/**
 * Reads every environment's version table in parallel — each within its own timeout, so one slow
 * or unreachable database never delays the others — and says where each stands against the repo.
 */
export async function readProjectStatus(project: StatusProjectInput, options: ReadProjectStatusOptions = {}): Promise<ProjectStatus> {
  const loaded =
    options.graph ??
    (() => {
      const { project: p, graph } = readProjectGraph(project.alembicPath, { constants: project.constants });
      return { graph, rootDir: p.location.rootDir };
    })();
  const environments = await Promise.all(
    project.environments.map((env) => readEnvironmentStatus(env, loaded.graph, loaded.rootDir, options.pools ? { pools: options.pools, scope: environmentScope(project.name, env.name) } : undefined)),
  );
  return { name: project.name, heads: [...loaded.graph.heads], environments };
}

/** One environment's reading; `keep` keeps its connection for the next one (see ReadProjectStatusOptions.pools). */
export async function readEnvironmentStatus(env: StatusEnvironmentInput, graph: RevisionGraph, rootDir: string, keep?: { pools: TargetPools; scope: string }): Promise<EnvironmentStatus> {
  const checkedAt = new Date();
  const started = performance.now();
  const read: VersionTableReadResult = env.url.ok
    ? await readVersionTable({
        url: env.url.url,
        versionTable: env.versionTable ?? "alembic_version",
        versionTableSchema: env.versionTableSchema ?? null,
        timeoutMs: env.timeoutMs ?? 3000,
        baseDir: rootDir,
        ...(keep ? { keep } : {}),
      })
    : { ok: false, reason: env.url.reason, message: env.url.message };
  return computeEnvironmentState({ name: env.name, graph, read, checkedAt, durationMs: performance.now() - started });
}
