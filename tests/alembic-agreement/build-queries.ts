/**
 * A sample of (version table, target) pairs and symbols for one project: every symbol family
 * Alembic accepts (heads, head, base, label@head, label, prefixes, +n/-n, rev±n) against plausible
 * version-table states (the tips of a random already-applied set).
 */
import { rng, type GenRevision } from "@/tests/alembic-agreement/generate-graphs";
import type { Query } from "@/tests/alembic-agreement/run-oracle";

export function buildQueries(revisions: GenRevision[], seed: number, count = 24): Query[] {
  const rand = rng(seed * 31 + 5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const byId = new Map(revisions.map((r) => [r.id, r]));
  const labelOwner = new Map<string, string>();
  for (const r of revisions) for (const l of r.labels) if (!labelOwner.has(l)) labelOwner.set(l, r.id);
  const parentsOf = (r: GenRevision) => [...r.down, ...r.deps.map((d) => labelOwner.get(d) ?? d)].filter((p) => byId.has(p));
  const closure = (ids: string[]) => {
    const seen = new Set<string>();
    const todo = [...ids];
    while (todo.length) {
      const x = todo.pop()!;
      if (seen.has(x) || !byId.has(x)) continue;
      seen.add(x);
      todo.push(...parentsOf(byId.get(x)!));
    }
    return seen;
  };
  /** The version table after applying `ids` and everything they need: the tips of that set. */
  const state = (ids: string[]) => {
    const applied = closure(ids);
    const inner = new Set([...applied].flatMap((id) => parentsOf(byId.get(id)!)));
    return revisions.map((r) => r.id).filter((id) => applied.has(id) && !inner.has(id));
  };
  const ids = revisions.map((r) => r.id);
  const labels = [...labelOwner.keys()];
  const states: string[][] = [[]];
  for (let i = 0; i < 5 && ids.length > 0; i++) {
    states.push(state(Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(ids))));
  }
  const targets = [
    "heads",
    "head",
    "base",
    "+1",
    "-1",
    "+2",
    "-2",
    ...Array.from({ length: 4 }, () => pick(ids)),
    ...Array.from({ length: 2 }, () => pick(ids).slice(0, 4 + Math.floor(rand() * 3))),
    `${pick(ids)}+1`,
    `${pick(ids)}-1`,
    ...labels.slice(0, 3).flatMap((l) => [`${l}@head`, `${l}@base`, `${l}@+1`, `${l}@-1`, l]),
  ];
  const queries: Query[] = [];
  for (let i = 0; i < count; i++) queries.push({ current: pick(states), target: pick(targets) });
  // Always some of each family, and symbol resolution on its own.
  for (const t of ["heads", "base"]) queries.push({ current: pick(states), target: t });
  for (const spec of ["heads", "head", "base", "-1", ...labels.slice(0, 2).flatMap((l) => [`${l}@head`, l, `${l}@-1`]), pick(ids).slice(0, 5), pick(ids).slice(0, 2), "zzzzzz", `${pick(ids)}@head`]) {
    queries.push({ resolve: spec });
  }
  return queries;
}
