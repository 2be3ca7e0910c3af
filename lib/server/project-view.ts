import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { listProjects as listStoredProjects } from "@/lib/projects/list-projects";
import { readStoredOverviewStatus, readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import { toPublicProject, type PublicProject } from "@/lib/projects/to-public-environment";
import { readWatchedProjectGraph } from "@/lib/project-graph/read-watched-project-graph";
import { relativeProblems } from "@/lib/alembic/relative-paths";
import type { RevisionGraph } from "@/lib/graph/types";
import type { ProjectStatus } from "@/lib/targets/types";
import type { OverviewStatus } from "@/lib/targets/summarize-project-status";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { noticeNewHeadsOnRead } from "@/lib/projects/notice-new-heads";

// The app's read side: what pages and JSON routes show. Nothing here returns a stored secret.

function constantsOf(project: PublicProject): Record<string, string | string[] | null> {
  return project.constants;
}

export async function listProjects(): Promise<PublicProject[]> {
  return listStoredProjects(await getDb());
}

export async function getPublicProject(projectName: string): Promise<PublicProject> {
  return toPublicProject(await getProjectOrThrow(await getDb(), projectName));
}

/**
 * The graph as pages show it, one object per graph read: what is kept per graph object (the pending
 * paths of compute-environment-state, the revision index) is then found again on every view instead
 * of being made again for a fresh copy (44–100 ms per view of a 5,000-revision graph page).
 */
const shownGraphs = new WeakMap<RevisionGraph, RevisionGraph>();

/**
 * The project's migration graph as pages show it: the graph the overview keeps while the project's files
 * are unchanged (readWatchedProjectGraph), so a page view costs a lookup, not a read of every file in the
 * worker and a copy of the whole graph back onto the server's event loop. Runs and gates read the files
 * themselves. A head not seen before is recorded and announced to the webhooks (graph.new_head), once
 * across instances (checked once per graph version).
 */
export async function getProjectGraph(projectName: string): Promise<{ project: PublicProject; graph: RevisionGraph; rootDir: string }> {
  const project = await getPublicProject(projectName);
  const { graph, rootDir, version } = await readWatchedProjectGraph(project.alembicPath, { constants: constantsOf(project) });
  await noticeNewHeadsOnRead(await getDb(), project, graph, version);
  // Pages show problems to every role; runs plan from their own read, with absolute paths.
  let shown = shownGraphs.get(graph);
  if (!shown) {
    shown = { ...graph, problems: relativeProblems(graph.problems, rootDir) };
    shownGraphs.set(graph, shown);
  }
  return { project, graph: shown, rootDir };
}

/**
 * Where every environment stands, read live from each database (in parallel, each with its own timeout).
 * Pass the graph when the caller has just read it, so the project is not read twice.
 */
export async function getProjectStatus(projectName: string, read?: { graph: RevisionGraph; rootDir: string }): Promise<ProjectStatus> {
  return readStoredProjectStatus(await getDb(), projectName, { key: getSecretKey(), graph: read });
}

/** What the overview shows of a project: the same compact status its poll answers with. */
export async function getOverviewStatus(projectName: string): Promise<OverviewStatus> {
  return readStoredOverviewStatus(await getDb(), projectName, { key: getSecretKey() });
}

/** The most of a migration file the side panel is sent: a 10 MB file went whole to every viewer. */
export const MAX_SOURCE_BYTES = 256 * 1024;

/** What was left out of a capped source. */
export interface SourceTruncation {
  shownBytes: number;
  totalBytes: number;
  /** The marker appended to the source, also for readers that only show `source`. */
  marker: string;
}

/**
 * A migration file's source, for the graph's side panel. Only files that belong to the graph are
 * served, and only their first MAX_SOURCE_BYTES (cut at a line end): the rest is never read into
 * the response, and a marker says how much more there is and where to read it.
 */
export async function readRevisionSource(projectName: string, revision: string): Promise<{ path: string; relativePath: string; source: string; truncated: SourceTruncation | null }> {
  const { graph, rootDir } = await getProjectGraph(projectName);
  const node = graph.revisions.get(revision);
  if (!node) throw new AppError("not-found", `revision ${revision} not in ${projectName}`, `Project "${projectName}" has no revision "${revision}".`);
  const relativePath = path.relative(rootDir, node.path);
  const file = await fs.promises.open(node.path, "r");
  try {
    const totalBytes = (await file.stat()).size;
    const buf = Buffer.alloc(Math.min(totalBytes, MAX_SOURCE_BYTES));
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    if (totalBytes <= MAX_SOURCE_BYTES) return { path: node.path, relativePath, source: buf.subarray(0, bytesRead).toString("utf8"), truncated: null };
    const lastNewline = buf.lastIndexOf(0x0a, bytesRead - 1);
    const shownBytes = lastNewline > 0 ? lastNewline + 1 : bytesRead;
    const moreKb = Math.ceil((totalBytes - shownBytes) / 1024);
    const marker = `# … truncated — ${moreKb.toLocaleString("en")} KB more (the file is ${Math.ceil(totalBytes / 1024).toLocaleString("en")} KB); open ${relativePath} in the repository to read it all.`;
    const source = `${buf.subarray(0, shownBytes).toString("utf8")}\n${marker}\n`;
    return { path: node.path, relativePath, source, truncated: { shownBytes, totalBytes, marker } };
  } finally {
    await file.close();
  }
}
