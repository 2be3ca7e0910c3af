import "server-only";
import path from "node:path";
import { getProjectGraph, getProjectStatus } from "@/lib/server/project-view";
import { buildGraphModel, toGraphData } from "@/lib/graph-view/graph-model";
import { layoutGraph } from "@/lib/graph-view/layout-graph";

/**
 * Everything the graph page needs for a project: the graph read statically, where each environment
 * stands, the collapsed model and its ELK layout (cached per model). Also run at start-up for every
 * project, so the first visitor gets cached reads and layouts.
 */
export async function prepareGraphView(projectName: string) {
  const view = await getProjectGraph(projectName);
  // Status reads never throw for database trouble (an unreachable env is a state), only when the
  // project vanished in between: then the graph is still worth showing.
  const status = await getProjectStatus(projectName, view).catch(() => null);
  const data = toGraphData(view.project.name, view.graph, status, view.project.environments, (p) => path.relative(view.rootDir, p));
  const model = buildGraphModel(data);
  const layout = await layoutGraph(model);
  return { view, data, model, layout };
}
