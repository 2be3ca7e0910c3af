/**
 * The traversal core shared by the graph engine: a port of the parts of Alembic's RevisionMap
 * (alembic/script/revision.py, 1.8.1) that every query needs. Internal to lib/graph.
 *
 * Names follow Alembic's so the two can be read side by side:
 *   down      = _versioned_down_revisions      (down_revision only)
 *   norm      = _normalized_down_revisions     (down_revision + normalized depends_on)
 *   next      = nextrev                        (children through down_revision)
 *   allNext   = _all_nextrev                   (children through down_revision or depends_on)
 */
import { AppError } from "@/lib/errors";
import type { RevisionGraph, RevisionNode } from "@/lib/graph/types";
import { withAdded } from "@/lib/revision-lists";

/** What Alembic raises inside RevisionMap; turned into an AppError with Alembic's CLI text at the API edge. */
export class RevisionMapError extends Error {
  constructor(
    readonly kind: "resolution" | "multiple-heads" | "range" | "revision" | "assertion",
    message: string,
    readonly argument?: string,
    readonly heads?: string[],
  ) {
    super(message);
    this.name = "RevisionMapError";
  }
}

export interface Rev {
  id: string;
  /** Position in load order: the index into typed arrays and bitsets. */
  ix: number;
  node: RevisionNode;
  down: string[];
  resolvedDeps: string[];
  normDeps: string[];
  norm: string[];
  next: string[];
  allNext: string[];
  /** Effective branch labels; `NO_LABELS` (shared, read-only) when there are none. */
  labels: Set<string>;
}

export interface RevisionIndex {
  graph: RevisionGraph;
  revs: Map<string, Rev>;
  /** Alembic's `_revision_map` keys that are revision ids, in insertion (load) order. */
  order: string[];
  /** The same revisions by `ix`. */
  list: Rev[];
  /** `norm` as integer adjacency (CSR), built on first topological sort (norm is final by then). */
  normAdj?: { start: Int32Array; edges: Int32Array };
  /** Branch label → revision declaring it. */
  labels: Map<string, string>;
  heads: string[];
  realHeads: string[];
  bases: string[];
}

const cache = new WeakMap<RevisionGraph, RevisionIndex>();

export function dedupe(ids: readonly string[]): string[] {
  // Nearly every list here has 0–2 entries: a linear scan beats building a Set.
  if (ids.length < 2) return ids.slice();
  if (ids.length > 8) return [...new Set(ids)];
  const out: string[] = [];
  for (const id of ids) if (!out.includes(id)) out.push(id);
  return out;
}

/** The labels of a revision that has none: shared, so never mutated (replace it instead). */
export const NO_LABELS: ReadonlySet<string> = new Set<string>();

/** Builds (once per graph) the lookup structures the queries use. */
export function indexGraph(graph: RevisionGraph): RevisionIndex {
  const hit = cache.get(graph);
  if (hit) return hit;
  const revs = new Map<string, Rev>();
  const list: Rev[] = [];
  const known = (d: string) => graph.revisions.has(d);
  for (const [id, node] of graph.revisions) {
    const declared = node.parents ?? node.downRevisions;
    const down = declared.every(known) ? declared : declared.filter(known);
    const resolvedDeps = node.resolvedDependsOn ?? node.dependsOn.filter((d) => graph.revisions.has(d));
    const normDeps = node.normalizedDependsOn ?? resolvedDeps;
    const rev: Rev = {
      id,
      ix: list.length,
      node,
      down,
      resolvedDeps,
      normDeps,
      norm: normDeps.length === 0 ? down : dedupe(down.concat(normDeps)),
      next: [],
      allNext: [],
      labels: node.effectiveBranchLabels.length === 0 ? (NO_LABELS as Set<string>) : new Set(node.effectiveBranchLabels),
    };
    revs.set(id, rev);
    list.push(rev);
  }
  // withAdded: the index lives as long as the graph, and nearly every revision has one child.
  for (const rev of list) {
    for (const d of rev.down) {
      const parent = revs.get(d);
      if (!parent) continue;
      parent.allNext = withAdded(parent.allNext, rev.id);
      parent.next = withAdded(parent.next, rev.id);
    }
    for (const d of rev.resolvedDeps) {
      const parent = revs.get(d);
      if (parent) parent.allNext = withAdded(parent.allNext, rev.id);
    }
  }
  const order = [...graph.revisions.keys()];
  const labels = new Map<string, string>();
  if (graph.branchLabels) for (const [l, r] of graph.branchLabels) labels.set(l, r);
  else for (const rev of revs.values()) for (const l of rev.node.branchLabels) if (!labels.has(l)) labels.set(l, rev.id);
  const index: RevisionIndex = {
    graph,
    revs,
    order,
    list,
    labels,
    heads: graph.heads,
    realHeads: graph.realHeads ?? order.filter((id) => revs.get(id)!.allNext.length === 0),
    bases: graph.bases,
  };
  // A hand-built graph (tests, fixtures) may lack the normalized dependencies: derive them as
  // buildRevisionGraph does, so plans stay Alembic's.
  for (const rev of revs.values()) {
    if (rev.node.normalizedDependsOn !== undefined || rev.resolvedDeps.length === 0) continue;
    const drop = new Set<string>();
    for (const anc of ancestorNodes(index, [rev], false)) if (anc !== rev) for (const d of anc.resolvedDeps) drop.add(d);
    rev.normDeps = rev.resolvedDeps.filter((d) => !drop.has(d));
    rev.norm = dedupe([...rev.down, ...rev.normDeps]);
  }
  cache.set(graph, index);
  return index;
}

/**
 * Alembic's `_iterate_related_revisions`: depth-first with an explicit stack, yielding each revision
 * once. With `check`, a target reachable from another target is Alembic's "overlaps" error.
 * Visited marks live in a byte array indexed by `Rev.ix`: this runs once per query and, while a
 * graph is built, once per revision that carries depends_on or a branch label.
 */
export function iterateRelated(index: RevisionIndex, fn: (rev: Rev) => readonly string[], targets: readonly Rev[], check = false): Rev[] {
  const revs = index.revs;
  const seen = new Uint8Array(index.list.length);
  const out: Rev[] = [];
  const targetSet = check ? new Set(targets) : undefined;
  const todo: Rev[] = [];
  for (const target of targets) {
    todo.push(target);
    const perTarget = check ? new Set<Rev>() : undefined;
    while (todo.length > 0) {
      const rev = todo.pop()!;
      if (perTarget) perTarget.add(rev);
      if (seen[rev.ix] === 1) continue;
      seen[rev.ix] = 1;
      for (const id of fn(rev)) {
        const next = revs.get(id);
        if (!next) throw new AppError("internal", `Revision ${id} is not in the graph`);
        todo.push(next);
      }
      out.push(rev);
    }
    if (perTarget) {
      const overlaps = [...perTarget].filter((r) => targetSet!.has(r) && r !== target);
      if (overlaps.length > 0) {
        throw new RevisionMapError("revision", `Requested revision ${target.id} overlaps with other requested revisions ${overlaps.map((r) => r.id).join(", ")}`);
      }
    }
  }
  return out;
}

export function ancestorNodes(index: RevisionIndex, targets: readonly Rev[], includeDependencies = true, check = false): Rev[] {
  return iterateRelated(index, includeDependencies ? (r) => r.norm : (r) => r.down, targets, check);
}

export function descendantNodes(index: RevisionIndex, targets: readonly Rev[], includeDependencies = true, check = false): Rev[] {
  return iterateRelated(index, includeDependencies ? (r) => r.allNext : (r) => r.next, targets, check);
}

function normAdjacency(index: RevisionIndex): { start: Int32Array; edges: Int32Array } {
  if (index.normAdj) return index.normAdj;
  const n = index.list.length;
  const start = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += index.list[i]!.norm.length;
  const edges = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    start[i] = k;
    for (const id of index.list[i]!.norm) edges[k++] = index.revs.get(id)!.ix;
  }
  start[n] = k;
  index.normAdj = { start, edges };
  return index.normAdj;
}

/**
 * Alembic's `_topological_sort`: revisions after their down revisions and dependencies, newest
 * first, walking one head's line down until another head still needs the candidate. Ties break
 * on revision-map (load) order, exactly as Alembic breaks them.
 *
 * Alembic keeps, per current head, the set of its ancestors (itself included), recomputed at
 * merge points and dependencies and trimmed by one on a plain step down a line. Here each set is a
 * bitset over `Rev.ix`, filled by an iterative walk over integer adjacency: the same sets, without
 * a string Set per head, so 5,000 revisions sort in milliseconds.
 */
export function topologicalSort(index: RevisionIndex, revisions: Iterable<Rev>, heads: readonly Rev[]): string[] {
  const { start, edges } = normAdjacency(index);
  const n = index.list.length;
  const words = (n + 31) >>> 5;
  const stack = new Int32Array(Math.max(n, 1));
  /** Ancestors of `root` (itself included) following norm, as a fresh bitset. */
  const ancestorsOf = (root: number): Uint32Array => {
    const bits = new Uint32Array(words);
    let top = 0;
    stack[top++] = root;
    while (top > 0) {
      const x = stack[--top]!;
      const w = x >>> 5;
      const m = 1 << (x & 31);
      if ((bits[w]! & m) !== 0) continue;
      bits[w] = bits[w]! | m;
      for (let e = start[x]!, end = start[x + 1]!; e < end; e++) {
        const y = edges[e]!;
        if ((bits[y >>> 5]! & (1 << (y & 31))) === 0) stack[top++] = y;
      }
    }
    return bits;
  };
  const has = (bits: Uint32Array, x: number) => (bits[x >>> 5]! & (1 << (x & 31))) !== 0;

  const todo = new Uint8Array(n);
  let remaining = 0;
  for (const r of revisions) {
    if (todo[r.ix] === 0) {
      todo[r.ix] = 1;
      remaining++;
    }
  }
  const currentHeads: number[] = [...new Set(heads.map((h) => h.ix).filter((i) => todo[i] === 1))].sort((a, b) => a - b);
  const ancestorsByIdx = currentHeads.map(ancestorsOf);
  const output: string[] = [];
  let idx = 0;
  while (currentHeads.length > 0) {
    const candidate = currentHeads[idx]!;
    let blocked = false;
    for (let check = 0; check < ancestorsByIdx.length; check++) {
      if (check !== idx && has(ancestorsByIdx[check]!, candidate)) {
        idx = check;
        blocked = true;
        break;
      }
    }
    if (blocked) continue;
    const rev = index.list[candidate]!;
    if (todo[candidate] === 1) {
      output.push(rev.id);
      todo[candidate] = 0;
      remaining--;
    }
    const headsToAdd: number[] = [];
    for (let e = start[candidate]!, end = start[candidate + 1]!; e < end; e++) {
      const r = edges[e]!;
      if (todo[r] === 1 && !currentHeads.includes(r)) headsToAdd.push(r);
    }
    if (headsToAdd.length === 0) {
      currentHeads.splice(idx, 1);
      ancestorsByIdx.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (rev.normDeps.length === 0 && rev.down.length === 1) {
      currentHeads[idx] = headsToAdd[0]!;
      const bits = ancestorsByIdx[idx]!;
      bits[candidate >>> 5] = bits[candidate >>> 5]! & ~(1 << (candidate & 31));
    } else {
      currentHeads[idx] = headsToAdd[0]!;
      ancestorsByIdx[idx] = ancestorsOf(headsToAdd[0]!);
      for (const h of headsToAdd.slice(1)) {
        currentHeads.push(h);
        ancestorsByIdx.push(ancestorsOf(h));
      }
    }
  }
  // Alembic asserts `not todo`; a revision the heads cannot reach would be lost silently otherwise.
  if (remaining > 0) {
    const left = index.list.filter((r) => todo[r.ix] === 1).map((r) => r.id);
    throw new AppError("internal", `Topological sort left revisions unvisited: ${left.join(", ")}`);
  }
  return output;
}
