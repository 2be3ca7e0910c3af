import type { RevisionGraph } from "@/lib/graph/types";

/** The given revisions and everything they stand on (down_revision and depends_on), as Alembic counts "applied". */
export function ancestorsOf(graph: Pick<RevisionGraph, "revisions">, revisions: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = revisions.filter((r) => r && r !== "base");
  while (stack.length) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    const node = graph.revisions.get(r);
    if (node) stack.push(...node.downRevisions, ...node.dependsOn);
  }
  return seen;
}

/** "a, b and 3 more" — keeps messages readable with long paths. */
export function listOf(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}` : (items[0] ?? "");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
