// GET /api/projects/:project/revisions/:revision — one revision's details and its migration source (any signed-in user).
import path from "node:path";
import { route } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { getProjectGraph, readRevisionSource, type SourceTruncation } from "@/lib/server/project-view";

export const dynamic = "force-dynamic";

/** The JSON body of this route. */
export interface RevisionDetailsBody {
  revision: {
    id: string;
    message: string;
    createDate: string | null;
    relativePath: string;
    downRevisions: string[];
    parents: string[];
    children: string[];
    dependsOn: string[];
    dependents: string[];
    branchLabels: string[];
    effectiveBranchLabels: string[];
    isHead: boolean;
    isBase: boolean;
  };
  /** At most MAX_SOURCE_BYTES of the file, ending with a "truncated" marker when cut. */
  source: string;
  /** How much was left out; null when the whole file is sent. */
  truncated: SourceTruncation | null;
}

export const GET = route<{ project: string; revision: string }>("status.read", async ({ params: { project, revision } }) => {
  const { graph, rootDir } = await getProjectGraph(project);
  const node = graph.revisions.get(revision);
  if (!node) {
    throw new AppError("not-found", `revision ${revision} not in ${project}`, `Project "${project}" has no revision "${revision}". Check the id (the graph page lists them all).`);
  }
  const { relativePath, source, truncated } = await readRevisionSource(project, revision).catch((e: unknown) => {
    if (e instanceof AppError) throw e;
    // The file vanished or became unreadable since the graph was read (a deploy in progress).
    throw new AppError("not-found", `cannot read ${node.path}`, `The migration file for ${revision} could not be read (${path.relative(rootDir, node.path)}). It may have just been moved or deleted; reload the page.`);
  });
  const body: RevisionDetailsBody = {
    revision: {
      id: node.revision,
      message: node.message,
      createDate: node.createDate ?? null,
      relativePath: relativePath || path.relative(rootDir, node.path),
      downRevisions: node.downRevisions,
      parents: node.parents ?? node.downRevisions,
      children: node.children,
      dependsOn: node.dependsOn,
      dependents: node.dependents,
      branchLabels: node.branchLabels,
      effectiveBranchLabels: node.effectiveBranchLabels,
      isHead: node.isHead,
      isBase: node.isBase,
    },
    source,
    truncated,
  };
  return Response.json(body, { headers: { "cache-control": "private, max-age=0, must-revalidate" } });
});
