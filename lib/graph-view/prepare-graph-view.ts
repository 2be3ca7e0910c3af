import "server-only";
import path from "node:path";
import { getProjectGraph, getProjectStatus } from "@/lib/server/project-view";
import { toGraphData } from "@/lib/graph-view/graph-model";

/**
 * Everything the graph page needs for a project: the graph read statically and where each
 * environment stands (the status, also handed to the page's other summaries so they need not read
 * every version table again). The browser collapses and lays it out (layout-lanes.ts: milliseconds).
 */
export async function prepareGraphView(projectName: string) {
  const view = await getProjectGraph(projectName);
  // Status reads never throw for database trouble (an unreachable env is a state), only when the
  // project vanished in between: then the graph is still worth showing.
  const status = await getProjectStatus(projectName, view).catch(() => null);
  const data = toGraphData(view.project.name, view.graph, status, view.project.environments, (p) => path.relative(view.rootDir, p));
  return { view, data, status };
}
