import "server-only";
import type { Environment, PrismaClient } from "@/lib/generated/prisma/client";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { RevisionGraph } from "@/lib/graph/types";
import { getProjectOrThrow, type ProjectWithEnvironments } from "@/lib/projects/get-project-or-throw";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { readEnvironmentSnapshot, type SnapshotResult } from "@/lib/drift-service/read-environment-snapshot";
import { projectConstants } from "@/lib/projects/project-constants";

/** How stored URLs are resolved: the store's key for encrypted literals, where env: references are looked up. */
export interface UrlOptions {
  key?: Buffer;
  env?: Record<string, string | undefined>;
}

/** The app's URL options. Without a usable key, encrypted URLs report that they cannot be decrypted. */
export function appUrlOptions(): UrlOptions {
  try {
    return { key: getSecretKey() };
  } catch {
    return {};
  }
}

export interface ProjectContext {
  project: ProjectWithEnvironments;
  graph: RevisionGraph;
  /** Where Alembic runs and relative SQLite paths resolve. */
  rootDir: string;
  /** The alembic.ini to pass with -c, if any. */
  configFile?: string;
}

export async function loadProjectContext(db: PrismaClient, projectName: string): Promise<ProjectContext> {
  const project = await getProjectOrThrow(db, projectName);
  const constants = projectConstants(project);
  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants });
  const configFile = loaded.location.configFile?.endsWith(".ini") ? loaded.location.configFile : undefined;
  return { project, graph, rootDir: loaded.location.rootDir, configFile };
}

export type LiveRevisions = { ok: true; url: string; revisions: string[] } | { ok: false; message: string };

/** An environment's applied revisions, read live (its URL resolved here, never returned to a browser). */
export async function readLiveRevisions(env: Environment, rootDir: string, opts: UrlOptions): Promise<LiveRevisions> {
  const url = resolveEnvironmentUrl(env, { key: opts.key, env: opts.env });
  if (!url.ok) return { ok: false, message: `${env.name}'s database URL cannot be used: ${url.message}` };
  const read = await readVersionTable({
    url: url.url,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    timeoutMs: env.timeoutMs,
    baseDir: rootDir,
  });
  if (!read.ok) return { ok: false, message: `Cairn could not read ${env.name}'s version table (${read.message})` };
  return { ok: true, url: url.url, revisions: read.tableExists ? read.revisions : [] };
}

export type LiveSchema = { ok: true; revisions: string[]; snapshot: SnapshotResult } | { ok: false; message: string };

/** Revisions and schema of an environment, each read within the environment's own timeout. */
export async function readLiveSchema(env: Environment, rootDir: string, opts: UrlOptions): Promise<LiveSchema> {
  const live = await readLiveRevisions(env, rootDir, opts);
  if (!live.ok) return live;
  const snapshot = await readEnvironmentSnapshot({
    url: live.url,
    baseDir: rootDir,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    timeoutMs: env.timeoutMs,
  });
  return { ok: true, revisions: live.revisions, snapshot };
}
