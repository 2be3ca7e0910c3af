import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readWatchedProjectGraph } from "@/lib/project-graph/read-watched-project-graph";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { readAppliedFileEdits } from "@/lib/applied-files/read-applied-file-edits";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { EnvironmentState } from "@/lib/targets/types";
import { loadProject, type UrlOptions } from "@/lib/projects/load-project";

/** A version-table reading the caller already made (the overview's own), by environment name. */
export interface EnvironmentReading {
  name: string;
  state: EnvironmentState;
  /** The version table's rows ([] when it is missing or empty). */
  revisions: string[];
  /** ISO time the reading started. */
  checkedAt: string;
}

/**
 * Every migration of a project whose file changed since it was applied to one of its environments. Reads
 * each environment's version table first (in parallel, each within its timeout), so revisions applied
 * outside Cairn get their hash the first time Cairn sees them; unreachable environments are skipped.
 * `readings` (the overview passes its own) are used instead of reading the version tables again: the
 * overview page read every table twice, once for the matrix and once here.
 */
export async function readProjectAppliedFileEdits(db: PrismaClient, projectName: string, opts: UrlOptions & { readings?: readonly EnvironmentReading[] } = {}): Promise<EditedAppliedFile[]> {
  const { project, environments, constants } = await loadProject(db, projectName, opts);
  // What is shown (overview, graph page, this API) reads the graph the overview keeps while the files are unchanged, as its polls do.
  const { graph, rootDir } = await readWatchedProjectGraph(project.alembicPath, { constants });
  const readings = opts.readings ? new Map(opts.readings.map((r) => [r.name, r])) : undefined;
  const seen = await Promise.all(
    environments.map(async (env) => {
      if (readings) {
        const r = readings.get(env.name);
        return r && r.state !== "unreachable" ? { environmentId: env.id, revisions: r.revisions, readAt: new Date(r.checkedAt) } : null;
      }
      const url = env.url;
      if (!url.ok) return null;
      const readAt = new Date();
      const r = await readVersionTable({ url: url.url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs, baseDir: rootDir }).catch(() => null);
      return r?.ok ? { environmentId: env.id, revisions: r.tableExists ? r.revisions : [], readAt } : null;
    }),
  );
  return (await readAppliedFileEdits(db, { projectId: project.id, graph, rootDir, seen: seen.filter((s) => s !== null) })) ?? [];
}
