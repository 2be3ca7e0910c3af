/**
 * Lineage questions the dashboard asks of one revision: what it builds on and what builds on it.
 * Both follow down_revision and depends_on (as Alembic does when it plans a run) unless told not to.
 */
import { AppError } from "@/lib/errors";
import { ancestorNodes, descendantNodes, indexGraph } from "@/lib/graph/revision-index";
import type { RevisionGraph } from "@/lib/graph/types";

function lineage(graph: RevisionGraph, revision: string, up: boolean, includeDependencies: boolean): string[] {
  const ix = indexGraph(graph);
  const rev = ix.revs.get(revision);
  if (!rev) throw new AppError("not-found", `Can't locate revision identified by '${revision}'`);
  const found = new Set((up ? descendantNodes : ancestorNodes)(ix, [rev], includeDependencies).map((r) => r.id));
  found.delete(revision);
  // In `alembic history` order (newest first), so callers can render the list as is.
  return graph.history.filter((id) => found.has(id));
}

/** Every revision `revision` needs applied first (excluding itself), newest first. */
export function ancestorsOf(graph: RevisionGraph, revision: string, options: { includeDependencies?: boolean } = {}): string[] {
  return lineage(graph, revision, false, options.includeDependencies ?? true);
}

/** Every revision that needs `revision` (excluding itself), newest first. */
export function descendantsOf(graph: RevisionGraph, revision: string, options: { includeDependencies?: boolean } = {}): string[] {
  return lineage(graph, revision, true, options.includeDependencies ?? true);
}
