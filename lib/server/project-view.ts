import "server-only";
import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { listProjects as listStoredProjects } from "@/lib/projects/list-projects";
import { readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import { toPublicProject, type PublicProject } from "@/lib/projects/to-public-environment";
import { readProjectGraphAsync } from "@/lib/alembic/read-project-graph";
import type { RevisionGraph } from "@/lib/graph/types";
import type { ProjectStatus } from "@/lib/environments/types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

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

/** The project's migration graph, read statically (cached per file). */
export async function getProjectGraph(projectName: string): Promise<{ project: PublicProject; graph: RevisionGraph; rootDir: string }> {
  const project = await getPublicProject(projectName);
  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants: constantsOf(project) });
  return { project, graph, rootDir: loaded.location.rootDir };
}

/**
 * Where every environment stands, read live from each database (in parallel, each with its own timeout).
 * Pass the graph when the caller has just read it, so the project is not read twice.
 */
export async function getProjectStatus(projectName: string, read?: { graph: RevisionGraph; rootDir: string }): Promise<ProjectStatus> {
  return readStoredProjectStatus(await getDb(), projectName, { key: getSecretKey(), graph: read });
}

/** A migration file's source, for the graph's side panel. Only files that belong to the graph are served. */
export async function readRevisionSource(
  projectName: string,
  revision: string,
): Promise<{ path: string; relativePath: string; source: string }> {
  const { graph, rootDir } = await getProjectGraph(projectName);
  const node = graph.revisions.get(revision);
  if (!node) throw new AppError("not-found", `revision ${revision} not in ${projectName}`, `Project "${projectName}" has no revision "${revision}".`);
  const source = await fs.promises.readFile(node.path, "utf8");
  return { path: node.path, relativePath: path.relative(rootDir, node.path), source };
}
