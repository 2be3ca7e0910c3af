import "server-only";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { LoadedEnvironment } from "@/lib/projects/load-project";
import { readEnvironmentSnapshot, type SnapshotResult } from "@/lib/drift-service/read-environment-snapshot";

export type LiveRevisions = { ok: true; url: string; revisions: string[] } | { ok: false; message: string };

/** An environment's applied revisions, read live (its URL resolved by loadProject, never returned to a browser). */
export async function readLiveRevisions(env: LoadedEnvironment, rootDir: string): Promise<LiveRevisions> {
  if (!env.url.ok) return { ok: false, message: `${env.name}'s database URL cannot be used: ${env.url.message}` };
  const read = await readVersionTable({
    url: env.url.url,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    timeoutMs: env.timeoutMs,
    baseDir: rootDir,
  });
  if (!read.ok) return { ok: false, message: `Cairn could not read ${env.name}'s version table (${read.message})` };
  return { ok: true, url: env.url.url, revisions: read.tableExists ? read.revisions : [] };
}

export type LiveSchema = { ok: true; revisions: string[]; snapshot: SnapshotResult } | { ok: false; message: string };

/** Revisions and schema of an environment, each read within the environment's own timeout. */
export async function readLiveSchema(env: LoadedEnvironment, rootDir: string): Promise<LiveSchema> {
  const live = await readLiveRevisions(env, rootDir);
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
