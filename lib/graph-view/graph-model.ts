/**
 * The revision DAG as the graph page draws it: plain, serialisable data built from the engine's
 * RevisionGraph and the environments' status, long linear runs collapsed into segments, dangling
 * references turned into placeholder nodes. Pure: no next, react, prisma or pg — the page builds it on
 * the server, the client reads it, and tests/graph-ui exercises it directly.
 */
import type { Problem, RevisionGraph } from "@/lib/graph/types";
import type { EnvironmentState, EnvironmentStatus, ProjectStatus } from "@/lib/targets/types";

/** One revision, as the browser sees it (paths relative to the project's directory). */
export interface GraphRevision {
  id: string;
  message: string;
  createDate?: string;
  relativePath: string;
  /** Parents the graph links (dangling references and cycle edges left out). */
  parents: string[];
  /** Parents as declared (may name missing revisions). */
  downRevisions: string[];
  children: string[];
  /** depends_on resolved to revision ids. */
  dependsOn: string[];
  /** depends_on as declared (may name missing revisions or labels). */
  declaredDependsOn: string[];
  dependents: string[];
  branchLabels: string[];
  effectiveBranchLabels: string[];
  isHead: boolean;
  isBase: boolean;
  isMergePoint: boolean;
  isBranchPoint: boolean;
}

export interface GraphProblem {
  code: string;
  severity: Problem["severity"];
  revision?: string;
  message: string;
  /** For dangling references: the id that names nothing. */
  reference?: string;
  /** For dangling references: Cairn's "did you mean". */
  suggestion?: string;
}

/** An environment and where it stands, with nothing secret in it. */
export interface GraphEnvironment {
  name: string;
  position: number;
  protected: boolean;
  state: EnvironmentState;
  revisions: string[];
  pending: string[];
  tooLong: string[];
  unknownRevisions: string[];
  versionNumWidth?: number;
  error?: string;
}

/** Everything the graph page needs, serialisable as RSC props. */
export interface GraphData {
  project: string;
  /** Newest first (`alembic history` order). */
  revisions: GraphRevision[];
  heads: string[];
  problems: GraphProblem[];
  /** In promotion order. */
  environments: GraphEnvironment[];
}

export type ModelNodeKind = "revision" | "segment" | "missing";
export type ModelEdgeKind = "parent" | "depends" | "dangling" | "dangling-depends";

export interface ModelNode {
  id: string;
  kind: ModelNodeKind;
  /** revision: [its id]; segment: its members newest first; missing: []. */
  members: string[];
  /** missing: the id that was referenced. */
  reference?: string;
  suggestion?: string;
  width: number;
  height: number;
}

export interface ModelEdge {
  id: string;
  kind: ModelEdgeKind;
  /** Older end (parent, dependency, missing placeholder). */
  source: string;
  /** Newer end (child, dependent). */
  target: string;
}

export interface GraphModel {
  nodes: ModelNode[];
  edges: ModelEdge[];
  /** Revision id → the model node showing it (itself, or the segment it is collapsed into). */
  nodeOf: Record<string, string>;
}

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 46;
/** Vertical gap between rows (an edge's horizontal run sits in its middle); layout-lanes.ts lays rows out with it and expand-segments.ts opens a segment's members at the same spacing. */
export const ROW_GAP = 34;
export const SEGMENT_HEIGHT = 40;
/** Runs longer than this collapse into one segment. */
export const DEFAULT_MIN_RUN = 9;

/** Pill width for an environment marker, drawn to the right of its node. */
export function markerWidth(name: string): number {
  return Math.min(name.length, 14) * 7 + 18;
}

/** Plain props from the engine's graph, the environments' status and the project's directory. */
export function toGraphData(
  projectName: string,
  graph: RevisionGraph,
  status: ProjectStatus | null,
  environments: { name: string; position: number; protected: boolean }[],
  relativePathOf: (absolutePath: string) => string,
): GraphData {
  const revisions: GraphRevision[] = [];
  const order = graph.history.length > 0 ? graph.history : [...graph.revisions.keys()];
  for (const id of order) {
    const n = graph.revisions.get(id);
    if (!n) continue;
    revisions.push({
      id,
      message: n.message,
      ...(n.createDate !== undefined ? { createDate: n.createDate } : {}),
      relativePath: relativePathOf(n.path),
      parents: n.parents ?? n.downRevisions,
      downRevisions: n.downRevisions,
      children: n.children,
      dependsOn: n.resolvedDependsOn ?? n.dependsOn.filter((d) => graph.revisions.has(d)),
      declaredDependsOn: n.dependsOn,
      dependents: n.dependents,
      branchLabels: n.branchLabels,
      effectiveBranchLabels: n.effectiveBranchLabels,
      isHead: n.isHead,
      isBase: n.isBase,
      isMergePoint: n.isMergePoint,
      isBranchPoint: n.isBranchPoint,
    });
  }
  const problems: GraphProblem[] = graph.problems.map((p) => {
    const reference = typeof p.data?.reference === "string" ? p.data.reference : undefined;
    const suggestion = typeof p.data?.suggestion === "string" ? p.data.suggestion : undefined;
    return {
      code: p.code,
      severity: p.severity,
      ...(p.revision !== undefined ? { revision: p.revision } : {}),
      message: p.message,
      ...(reference !== undefined ? { reference } : {}),
      ...(suggestion !== undefined ? { suggestion } : {}),
    };
  });
  const statusByName = new Map((status?.environments ?? []).map((e) => [e.name, e]));
  const envs: GraphEnvironment[] = [...environments].sort((a, b) => a.position - b.position).map((e) => toGraphEnvironment(e, statusByName.get(e.name)));
  return { project: projectName, revisions, heads: graph.heads, problems, environments: envs };
}

function toGraphEnvironment(e: { name: string; position: number; protected: boolean }, s: EnvironmentStatus | undefined): GraphEnvironment {
  if (!s) return { name: e.name, position: e.position, protected: e.protected, state: "unreachable", revisions: [], pending: [], tooLong: [], unknownRevisions: [], error: "Not read yet." };
  return {
    name: e.name,
    position: e.position,
    protected: e.protected,
    state: s.state,
    revisions: s.revisions,
    pending: s.pending,
    tooLong: s.tooLong,
    unknownRevisions: s.unknownRevisions ?? [],
    ...(s.versionNumWidth !== undefined ? { versionNumWidth: s.versionNumWidth } : {}),
    ...(s.error !== undefined ? { error: s.error } : {}),
  };
}

/** Revisions that must stay visible: env markers, problems, too-long ids. */
export function pinnedRevisions(data: GraphData): Set<string> {
  const pinned = new Set<string>();
  for (const e of data.environments) {
    for (const r of e.revisions) pinned.add(r);
    for (const r of e.tooLong) pinned.add(r);
  }
  for (const p of data.problems) if (p.revision && p.code !== "multiple-heads") pinned.add(p.revision);
  for (const h of data.heads) pinned.add(h);
  return pinned;
}

/** Markers (environments at it) per revision id. */
export function markersByRevision(data: GraphData): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of data.environments) for (const r of e.revisions) out.set(r, [...(out.get(r) ?? []), e.name]);
  return out;
}

/**
 * The drawable model: a node per revision, except that every maximal linear run of at least
 * `minRun` plain revisions (one parent, one child, no depends_on either way, no own branch label,
 * not pinned) becomes one segment node; a placeholder per dangling reference.
 */
export function buildGraphModel(data: GraphData, options: { minRun?: number } = {}): GraphModel {
  const minRun = options.minRun ?? DEFAULT_MIN_RUN;
  const byId = new Map(data.revisions.map((r) => [r.id, r]));
  const pinned = pinnedRevisions(data);
  const markers = markersByRevision(data);
  const plain = (r: GraphRevision): boolean =>
    r.parents.length === 1 &&
    r.children.length === 1 &&
    r.downRevisions.length === 1 &&
    r.dependsOn.length === 0 &&
    r.declaredDependsOn.length === 0 &&
    r.dependents.length === 0 &&
    r.branchLabels.length === 0 &&
    !pinned.has(r.id);

  // Runs, walked from their oldest member up through single children. History order is newest
  // first, so iterate it backwards to meet each run's oldest member first.
  const nodeOf: Record<string, string> = {};
  const nodes: ModelNode[] = [];
  const seen = new Set<string>();
  const segmentNodes = new Map<string, ModelNode>();
  for (let i = data.revisions.length - 1; i >= 0; i--) {
    const r = data.revisions[i]!;
    if (seen.has(r.id) || !plain(r)) continue;
    const parent = byId.get(r.parents[0]!);
    if (parent && plain(parent) && parent.children.length === 1) continue; // not the run's start
    const run: string[] = [];
    let cur: GraphRevision | undefined = r;
    while (cur && plain(cur) && !seen.has(cur.id)) {
      run.push(cur.id);
      seen.add(cur.id);
      const next: GraphRevision | undefined = byId.get(cur.children[0]!);
      if (!next || next.parents.length !== 1) break;
      cur = next;
    }
    if (run.length >= minRun) {
      const members = run.reverse();
      const node: ModelNode = { id: `seg:${members[members.length - 1]}`, kind: "segment", members, width: NODE_WIDTH, height: SEGMENT_HEIGHT };
      segmentNodes.set(node.id, node);
      for (const m of members) nodeOf[m] = node.id;
    } else {
      for (const m of run) seen.delete(m);
    }
  }
  // Nodes in history order (newest first); a segment takes the place of its newest member.
  for (const r of data.revisions) {
    const owner = nodeOf[r.id];
    if (owner) {
      const seg = segmentNodes.get(owner)!;
      if (seg.members[0] === r.id) nodes.push(seg);
      continue;
    }
    nodeOf[r.id] = r.id;
    const envs = markers.get(r.id) ?? [];
    const extra = envs.reduce((w, name) => w + markerWidth(name) + 4, 0);
    nodes.push({ id: r.id, kind: "revision", members: [r.id], width: NODE_WIDTH + extra, height: NODE_HEIGHT });
  }

  const edges: ModelEdge[] = [];
  const edgeIds = new Set<string>();
  const addEdge = (kind: ModelEdgeKind, source: string, target: string) => {
    if (source === target) return; // inside one segment
    const id = `${kind}:${source}->${target}`;
    if (edgeIds.has(id)) return;
    edgeIds.add(id);
    edges.push({ id, kind, source, target });
  };
  const missing = new Map<string, ModelNode>();
  const suggestionOf = new Map<string, string>();
  for (const p of data.problems) if (p.reference && p.suggestion) suggestionOf.set(p.reference, p.suggestion);
  const missingNode = (ref: string): string => {
    const id = `missing:${ref}`;
    if (!missing.has(id)) {
      const suggestion = suggestionOf.get(ref);
      missing.set(id, { id, kind: "missing", members: [], reference: ref, ...(suggestion ? { suggestion } : {}), width: NODE_WIDTH, height: NODE_HEIGHT });
    }
    return id;
  };
  const labels = new Set(data.revisions.flatMap((x) => x.branchLabels));
  for (const r of data.revisions) {
    const target = nodeOf[r.id]!;
    for (const p of r.parents) if (byId.has(p)) addEdge("parent", nodeOf[p]!, target);
    for (const d of r.downRevisions) if (!byId.has(d)) addEdge("dangling", missingNode(d), target);
    for (const d of r.dependsOn) if (byId.has(d)) addEdge("depends", nodeOf[d]!, target);
    for (const d of r.declaredDependsOn) if (!byId.has(d) && !labels.has(d) && !r.dependsOn.includes(d)) addEdge("dangling-depends", missingNode(d), target);
  }
  nodes.push(...missing.values());
  return { nodes, edges, nodeOf };
}

/** Every revision reachable downward (parents and depends_on) from `tips`, tips included. */
export function appliedSet(tips: readonly string[], byId: ReadonlyMap<string, Pick<GraphRevision, "parents" | "dependsOn">>): Set<string> {
  const out = new Set<string>();
  const stack = tips.filter((t) => byId.has(t));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    const r = byId.get(id);
    if (!r) continue;
    for (const p of r.parents) if (!out.has(p)) stack.push(p);
    for (const d of r.dependsOn) if (!out.has(d)) stack.push(d);
  }
  return out;
}

/**
 * What lies between two environments: what promoting `from` to `to` would apply (applied in `from`,
 * not in `to`), and what `to` has that `from` lacks — oldest first, the order Alembic applies them.
 */
export function revisionsBetween(data: GraphData, from: GraphEnvironment, to: GraphEnvironment): { promote: string[]; onlyInTarget: string[] } {
  const byId = new Map(data.revisions.map((r) => [r.id, r]));
  const a = appliedSet(from.revisions, byId);
  const b = appliedSet(to.revisions, byId);
  const oldestFirst = data.revisions.map((r) => r.id).reverse();
  return { promote: oldestFirst.filter((id) => a.has(id) && !b.has(id)), onlyInTarget: oldestFirst.filter((id) => b.has(id) && !a.has(id)) };
}

/** Revisions matching a search: id prefix first, then message substring; newest first. */
export function searchRevisions(data: GraphData, query: string, limit = 20): GraphRevision[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const byPrefix = data.revisions.filter((r) => r.id.toLowerCase().startsWith(q));
  const byMessage = data.revisions.filter((r) => !r.id.toLowerCase().startsWith(q) && r.message.toLowerCase().includes(q));
  return [...byPrefix, ...byMessage].slice(0, limit);
}

/** Problems attached to each revision id (dangling references are on the revision that makes them). */
export function problemsByRevision(data: GraphData): Map<string, GraphProblem[]> {
  const out = new Map<string, GraphProblem[]>();
  for (const p of data.problems) {
    if (!p.revision || p.code === "multiple-heads") continue;
    out.set(p.revision, [...(out.get(p.revision) ?? []), p]);
  }
  for (const e of data.environments) {
    for (const id of e.tooLong) {
      const msg = `Id is ${id.length} characters; ${e.name}'s version_num holds ${e.versionNumWidth ?? "fewer"}.`;
      out.set(id, [...(out.get(id) ?? []), { code: "too-long-for-environment", severity: "error", revision: id, message: msg }]);
    }
  }
  return out;
}

/**
 * GraphData as sent to the browser, compact: ids and messages as two plain lists (newest first), each
 * revision's parents as offsets to their place in that list in one string, and only what differs from
 * the defaults per revision. What the client can derive (children, dependents, flags) is left out, and
 * so are what only the side panel shows (the file path and the create date: it fetches them with the
 * source). For 5,000 revisions this is about a fifth of the GraphRevision objects' size — the page's
 * payload is parsed and hydrated before the first node is drawn.
 */
export interface GraphWire {
  project: string;
  heads: string[];
  problems: GraphProblem[];
  environments: GraphEnvironment[];
  /** Revision ids, newest first (`alembic history` order). */
  ids: string[];
  /** Each revision's message, in the order of `ids`. */
  messages: string[];
  /**
   * Each revision's parents, in the order of `ids`, ";" between revisions: the offsets from its own
   * index to its parents' ("1" is the next older), "," between them, "" for a base.
   */
  parents: string;
  /** By index in `ids`: what differs from the defaults (declared lists equal to the linked ones, no labels). */
  extras: Record<number, WireExtras>;
}

interface WireExtras {
  /** Parents that are not in `ids` (never for a graph from the engine), as ids; then `parents` has "" here. */
  parentIds?: string[];
  downRevisions?: string[];
  dependsOn?: string[];
  declaredDependsOn?: string[];
  branchLabels?: string[];
  effectiveBranchLabels?: string[];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function toGraphWire(data: GraphData): GraphWire {
  const index = new Map(data.revisions.map((r, i) => [r.id, i]));
  const extras: Record<number, WireExtras> = {};
  const parents = data.revisions.map((r, i) => {
    const x: WireExtras = {};
    const offsets = r.parents.map((p) => (index.has(p) ? String(index.get(p)! - i) : null));
    if (offsets.includes(null)) x.parentIds = r.parents;
    if (!sameList(r.downRevisions, r.parents)) x.downRevisions = r.downRevisions;
    if (r.dependsOn.length > 0) x.dependsOn = r.dependsOn;
    if (!sameList(r.declaredDependsOn, r.dependsOn)) x.declaredDependsOn = r.declaredDependsOn;
    if (r.branchLabels.length > 0) x.branchLabels = r.branchLabels;
    if (r.effectiveBranchLabels.length > 0) x.effectiveBranchLabels = r.effectiveBranchLabels;
    if (Object.keys(x).length > 0) extras[i] = x;
    return x.parentIds ? "" : offsets.join(",");
  });
  return {
    project: data.project,
    heads: data.heads,
    problems: data.problems,
    environments: data.environments,
    ids: data.revisions.map((r) => r.id),
    messages: data.revisions.map((r) => r.message),
    parents: parents.join(";"),
    extras,
  };
}

/** The inverse of toGraphWire (children, dependents and flags derived from the parents; no path or create date). */
export function fromGraphWire(w: GraphWire): GraphData {
  const offsets = w.parents.split(";");
  const parentsOf = w.ids.map((_, i): string[] => {
    const x = w.extras[i];
    if (x?.parentIds) return x.parentIds;
    const o = offsets[i] ?? "";
    return o === "" ? [] : o.split(",").map((d) => w.ids[i + Number(d)]!);
  });
  const children = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  w.ids.forEach((id, i) => {
    for (const p of parentsOf[i]!) (children.get(p) ?? children.set(p, []).get(p)!).push(id);
    for (const d of w.extras[i]?.dependsOn ?? []) (dependents.get(d) ?? dependents.set(d, []).get(d)!).push(id);
  });
  const heads = new Set(w.heads);
  const revisions = w.ids.map((id, i): GraphRevision => {
    const x = w.extras[i];
    const parents = parentsOf[i]!;
    const kids = children.get(id) ?? [];
    const dependsOn = x?.dependsOn ?? [];
    const downRevisions = x?.downRevisions ?? parents;
    return {
      id,
      message: w.messages[i] ?? "",
      relativePath: "",
      parents,
      downRevisions,
      children: kids,
      dependsOn,
      declaredDependsOn: x?.declaredDependsOn ?? dependsOn,
      dependents: dependents.get(id) ?? [],
      branchLabels: x?.branchLabels ?? [],
      effectiveBranchLabels: x?.effectiveBranchLabels ?? [],
      isHead: heads.has(id) || kids.length === 0,
      isBase: parents.length === 0,
      isMergePoint: downRevisions.length > 1,
      isBranchPoint: kids.length > 1,
    };
  });
  return { project: w.project, revisions, heads: w.heads, problems: w.problems, environments: w.environments };
}

/** A QA sign-off in force covering a revision, as the graph shows it. */
export interface SignOffMark {
  environment: string;
  by: string;
  at: string;
  note: string;
}
