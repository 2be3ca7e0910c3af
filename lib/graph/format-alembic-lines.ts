/**
 * The one-line forms Alembic 1.8.1 prints for a revision (alembic/script/base.py `Script._head_only`,
 * as called by `alembic history` and `alembic heads`), so Cairn's text output can be compared with
 * Alembic's byte for byte.
 */
import type { RevisionGraph, RevisionNode } from "@/lib/graph/types";

/** `_is_real_head`: nothing follows it, through down_revision or depends_on. */
function isRealHead(n: RevisionNode): boolean {
  return n.children.length === 0 && n.dependents.length === 0;
}

/**
 * `rev (labels) (head)` — with `parents`, `down (deps) -> rev …` as history prints it. Labels are the
 * effective ones, sorted (Alembic prints a Python set there, whose order for 2+ labels depends on
 * the hash seed).
 */
function headOnly(n: RevisionNode, opts: { parents: boolean; tree: boolean; doc: boolean }): string {
  let text = n.revision;
  if (opts.parents) {
    const down = n.downRevisions.length === 0 ? "<base>" : n.downRevisions.join(", ");
    text = n.dependsOn.length > 0 ? `${down} (${n.dependsOn.join(", ")}) -> ${text}` : `${down} -> ${text}`;
  }
  if (n.effectiveBranchLabels.length > 0) text += ` (${n.effectiveBranchLabels.join(", ")})`;
  if (isRealHead(n)) text += " (head)";
  else if (n.isHead) text += " (effective head)";
  if (opts.tree) {
    if (n.isBranchPoint) text += " (branchpoint)";
    if (n.isMergePoint) text += " (mergepoint)";
  }
  if (opts.doc) text += `, ${n.message}`;
  return text;
}

/** One line of `alembic history`: `down (deps) -> rev (labels) (head) (branchpoint) (mergepoint), message`. */
export function formatHistoryLine(n: RevisionNode): string {
  return headOnly(n, { parents: true, tree: true, doc: true });
}

/** One line of `alembic heads`: `rev (labels) (head)`. */
export function formatHeadLine(n: RevisionNode): string {
  return headOnly(n, { parents: false, tree: false, doc: false });
}

/** What `alembic history` prints (every line newline-terminated), from the graph's history order. */
export function formatAlembicHistory(graph: RevisionGraph): string {
  let out = "";
  for (const id of graph.history) {
    const n = graph.revisions.get(id);
    if (n) out += formatHistoryLine(n) + "\n";
  }
  return out;
}

/** What `alembic heads` prints, heads in Alembic's order. */
export function formatAlembicHeads(graph: RevisionGraph): string {
  let out = "";
  for (const id of graph.heads) {
    const n = graph.revisions.get(id);
    if (n) out += formatHeadLine(n) + "\n";
  }
  return out;
}
