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
  node: RevisionNode;
  down: string[];
  resolvedDeps: string[];
  normDeps: string[];
  norm: string[];
  next: string[];
  allNext: string[];
  labels: Set<string>;
}

export interface RevisionIndex {
  graph: RevisionGraph;
  revs: Map<string, Rev>;
  /** Alembic's `_revision_map` keys that are revision ids, in insertion (load) order. */
  order: string[];
  position: Map<string, number>;
  /** Branch label → revision declaring it. */
  labels: Map<string, string>;
  heads: string[];
  realHeads: string[];
  bases: string[];
}

const cache = new WeakMap<RevisionGraph, RevisionIndex>();

export function dedupe(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Builds (once per graph) the lookup structures the queries use. */
export function indexGraph(graph: RevisionGraph): RevisionIndex {
  const hit = cache.get(graph);
  if (hit) return hit;
  const revs = new Map<string, Rev>();
  for (const [id, node] of graph.revisions) {
    const down = (node.parents ?? node.downRevisions).filter((d) => graph.revisions.has(d));
    const resolvedDeps = node.resolvedDependsOn ?? node.dependsOn.filter((d) => graph.revisions.has(d));
    const normDeps = node.normalizedDependsOn ?? resolvedDeps;
    revs.set(id, {
      id,
      node,
      down,
      resolvedDeps,
      normDeps,
      norm: dedupe([...down, ...normDeps]),
      next: [],
      allNext: [],
      labels: new Set(node.effectiveBranchLabels),
    });
  }
  for (const rev of revs.values()) {
    for (const d of dedupe([...rev.down, ...rev.resolvedDeps])) {
      const parent = revs.get(d);
      if (!parent) continue;
      if (!parent.allNext.includes(rev.id)) parent.allNext.push(rev.id);
      if (rev.down.includes(d) && !parent.next.includes(rev.id)) parent.next.push(rev.id);
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
    position: new Map(order.map((id, i) => [id, i])),
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

export function revOf(index: RevisionIndex, id: string): Rev {
  const rev = index.revs.get(id);
  if (!rev) throw new AppError("internal", `Revision ${id} is not in the graph`);
  return rev;
}

/**
 * Alembic's `_iterate_related_revisions`: depth-first with an explicit stack, yielding each revision
 * once. With `check`, a target reachable from another target is Alembic's "overlaps" error.
 */
export function iterateRelated(
  index: RevisionIndex,
  fn: (rev: Rev) => readonly string[],
  targets: readonly Rev[],
  check = false,
): Rev[] {
  const seen = new Set<Rev>();
  const out: Rev[] = [];
  const targetSet = new Set(targets);
  for (const target of targets) {
    const todo: Rev[] = [target];
    const perTarget = new Set<Rev>();
    while (todo.length > 0) {
      const rev = todo.pop()!;
      if (check) perTarget.add(rev);
      if (seen.has(rev)) continue;
      seen.add(rev);
      for (const id of fn(rev)) todo.push(revOf(index, id));
      out.push(rev);
    }
    if (check) {
      const overlaps = [...perTarget].filter((r) => targetSet.has(r) && r !== target);
      if (overlaps.length > 0) {
        throw new RevisionMapError(
          "revision",
          `Requested revision ${target.id} overlaps with other requested revisions ${overlaps.map((r) => r.id).join(", ")}`,
        );
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

/**
 * Alembic's `_topological_sort`: revisions after their down revisions and dependencies, newest
 * first, walking one head's line down until another head still needs the candidate. Ties break
 * on revision-map (load) order, exactly as Alembic breaks them.
 */
export function topologicalSort(index: RevisionIndex, revisions: Iterable<Rev>, heads: readonly Rev[]): string[] {
  const getAncestors = (id: string) => new Set(ancestorNodes(index, [revOf(index, id)]).map((r) => r.id));
  const todo = new Set<string>();
  for (const r of revisions) todo.add(r.id);
  const currentHeads = [...new Set(heads.map((h) => h.id).filter((id) => todo.has(id)))].sort(
    (a, b) => index.position.get(a)! - index.position.get(b)!,
  );
  const ancestorsByIdx = currentHeads.map(getAncestors);
  const output: string[] = [];
  let idx = 0;
  while (currentHeads.length > 0) {
    const candidate = currentHeads[idx]!;
    let blocked = false;
    for (let check = 0; check < ancestorsByIdx.length; check++) {
      if (check !== idx && ancestorsByIdx[check]!.has(candidate)) {
        idx = check;
        blocked = true;
        break;
      }
    }
    if (blocked) continue;
    if (todo.has(candidate)) {
      output.push(candidate);
      todo.delete(candidate);
    }
    const rev = revOf(index, candidate);
    const headsToAdd = rev.norm.filter((r) => todo.has(r) && !currentHeads.includes(r));
    if (headsToAdd.length === 0) {
      currentHeads.splice(idx, 1);
      ancestorsByIdx.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (rev.normDeps.length === 0 && rev.down.length === 1) {
      currentHeads[idx] = headsToAdd[0]!;
      ancestorsByIdx[idx]!.delete(candidate);
    } else {
      currentHeads[idx] = headsToAdd[0]!;
      currentHeads.push(...headsToAdd.slice(1));
      ancestorsByIdx[idx] = getAncestors(headsToAdd[0]!);
      ancestorsByIdx.push(...headsToAdd.slice(1).map(getAncestors));
    }
  }
  // Alembic asserts `not todo`; a revision the heads cannot reach would be lost silently otherwise.
  if (todo.size > 0) throw new AppError("internal", `Topological sort left revisions unvisited: ${[...todo].join(", ")}`);
  return output;
}
