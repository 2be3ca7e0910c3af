/**
 * Which revisions a sign-off range covers: every ancestor of `toRevision` (itself included,
 * following down_revision and depends_on as Alembic does) that is not `fromRevision` or one of its
 * ancestors. Pure.
 */
import { AppError } from "@/lib/errors";
import { ancestorNodes, indexGraph } from "@/lib/graph/revision-index";
import { resolveRevisions } from "@/lib/graph/resolve-revisions";
import type { RevisionGraph } from "@/lib/graph/types";

function resolveOrThrow(graph: RevisionGraph, spec: string, field: "fromRevision" | "toRevision"): string[] {
  try {
    return resolveRevisions(graph, spec);
  } catch (e) {
    const why = e instanceof AppError ? e.userMessage : "it does not name a revision";
    throw new AppError("validation", `${field} ${spec}: ${why}`, `${field} "${spec}" cannot be resolved: ${why}. Use a revision id, a unique prefix (4+ characters), "heads" or "label@head".`);
  }
}

/** The covered revision ids, oldest first (reverse `alembic history` order). */
export function resolveSignOffRange(graph: RevisionGraph, fromRevision: string | null | undefined, toRevision: string): string[] {
  const ix = indexGraph(graph);
  const toIds = resolveOrThrow(graph, toRevision, "toRevision");
  if (toIds.length === 0) {
    throw new AppError("validation", `toRevision ${toRevision} names no revision`, `toRevision "${toRevision}" names no revision; sign off up to a revision id or "heads".`);
  }
  const covered = new Set(
    ancestorNodes(
      ix,
      toIds.map((id) => ix.revs.get(id)!),
    ).map((r) => r.id),
  );
  if (fromRevision) {
    const fromIds = resolveOrThrow(graph, fromRevision, "fromRevision");
    for (const r of ancestorNodes(
      ix,
      fromIds.map((id) => ix.revs.get(id)!),
    ))
      covered.delete(r.id);
  }
  const ordered = [...graph.history].reverse().filter((id) => covered.has(id));
  if (ordered.length === 0) {
    throw new AppError(
      "validation",
      `empty sign-off range ${fromRevision ?? "base"}..${toRevision}`,
      `The range ${fromRevision ?? "base"}..${toRevision} covers no revision: "${toRevision}" is not after "${fromRevision}". Choose a later toRevision or an earlier fromRevision.`,
    );
  }
  return ordered;
}
