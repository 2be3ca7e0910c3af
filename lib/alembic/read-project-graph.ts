/**
 * Reads a project's migrations and builds its revision graph: the one call the CLI and the
 * dashboard make. Problems from reading files and from the graph are merged, errors first.
 */
import type { LoadedProject } from "@/lib/alembic/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { loadProject, sortProblems, type LoadProjectOptions, type ProjectScan } from "@/lib/alembic/load-project";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";

export interface ProjectGraph {
  project: LoadedProject;
  graph: RevisionGraph;
}

export function readProjectGraph(
  target: string,
  options: LoadProjectOptions & { maxRevisionLength?: number; scan?: ProjectScan } = {},
): ProjectGraph {
  const project = loadProject(target, options);
  const graph = buildRevisionGraph(project.scripts, options.maxRevisionLength === undefined ? {} : { maxRevisionLength: options.maxRevisionLength });
  graph.problems = sortProblems([...project.problems, ...graph.problems]);
  return { project, graph };
}
