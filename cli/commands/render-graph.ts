// The rendering half of `cairn graph`: reads the project, builds its graph and renders it. Loaded
// only when the result cache misses, so a warm `cairn graph` never loads the parser or the engine.
import type { ProjectScan } from "@/lib/alembic/load-project";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { loadProject, sortProblems } from "@/lib/alembic/load-project";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import type { Problem, RevisionGraph } from "@/lib/graph/types";
import { formatAlembicHeads, formatAlembicHistory } from "@/lib/graph/format-alembic-lines";
import { mark } from "@/cli/timing";

function problemJson(p: Problem): Record<string, unknown> {
  const o: Record<string, unknown> = { code: p.code, severity: p.severity };
  if (p.revision !== undefined) o.revision = p.revision;
  if (p.path !== undefined) o.path = p.path;
  if (p.line !== undefined) o.line = p.line;
  o.message = p.message;
  return o;
}

export function toJson(graph: RevisionGraph): string {
  const revisions: unknown[] = [];
  for (const n of graph.revisions.values()) {
    revisions.push({ revision: n.revision, downRevisions: n.downRevisions, branchLabels: n.branchLabels, dependsOn: n.dependsOn, path: n.path, message: n.message });
  }
  // Compact and built once: for 5,000 revisions indentation alone would add a third to the output.
  return JSON.stringify({ revisions, heads: graph.heads, bases: graph.bases, history: graph.history, problems: graph.problems.map(problemJson) }) + "\n";
}

/**
 * The human report. The heads block and the history block are exactly what `alembic heads` and
 * `alembic history` print for the same project (same order, same markers), so they can be diffed.
 */
export function toText(graph: RevisionGraph, where: string, files: number): string {
  const out: string[] = [];
  out.push(`Project: ${where} (${graph.revisions.size} revisions from ${files} files)`);
  out.push(`Bases (${graph.bases.length}): ${graph.bases.join(", ") || "none"}`);
  if (graph.problems.length === 0) out.push("Problems: none");
  else {
    out.push(`Problems (${graph.problems.length}):`);
    for (const p of graph.problems) out.push(`  ${p.severity.padEnd(7)} ${p.code}: ${p.message}`);
  }
  out.push("", `Heads (${graph.heads.length}):`);
  return out.join("\n") + "\n" + formatAlembicHeads(graph) + "\nHistory:\n" + formatAlembicHistory(graph);
}

/** The whole output and exit code for one project, from a scan made with the same options. */
export function renderGraph(target: string, options: { json: boolean; constants?: ConstantsTable; scan: ProjectScan; cacheDir?: string | false }): { text: string; exitCode: number } {
  // readProjectGraph, in two steps so CAIRN_TIMING can tell reading from building.
  const project = loadProject(target, {
    scan: options.scan,
    ...(options.constants ? { constants: options.constants } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  });
  mark(`render: ${project.stats.parsed} files parsed`);
  const graph = buildRevisionGraph(project.scripts);
  graph.problems = sortProblems([...project.problems, ...graph.problems]);
  mark("render: graph built");
  const text = options.json ? toJson(graph) : toText(graph, project.location.configFile ?? project.location.rootDir, project.stats.files);
  mark("render: text made");
  return { text, exitCode: graph.problems.some((p) => p.severity === "error") ? 1 : 0 };
}
