import "server-only";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { LoadedEnvironment } from "@/lib/projects/load-project";

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
