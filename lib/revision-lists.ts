/** Lists of revision ids: read back from the store, compared as sets, said in words. Pure. */

/**
 * A run's resultRevisions, executedFrom or executedSteps, which stay Json because null ("not known") differs from
 * [] ("base") and a Prisma list cannot be null: the strings it holds, or null.
 */
export function storedRevisions(v: unknown): string[] | null {
  return Array.isArray(v) ? asStrings(v) : null;
}

/** A value read from Json (a gate's details) as the strings it holds ([] for anything else). */
export function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The same revisions, in any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}

/** "c3" / "e5, g7" / "base" (no revision applied). */
export function revisionsText(revs: readonly string[]): string {
  return revs.length ? revs.join(", ") : "base";
}

/**
 * The same list in an array of exactly its length (an empty one has no element storage at all). V8 gives
 * an array its first pushed element room for 17: for lists kept as long as a graph (one per revision), the
 * ~150 bytes each are what a cold `cairn graph`'s garbage collector would copy.
 */
export function exactSize<T>(xs: T[]): T[] {
  return xs.length === 0 ? xs : xs.slice();
}

/** `list` with `id` added unless it holds it already (a first element makes an array of exactly one: see exactSize). */
export function withAdded(list: string[], id: string): string[] {
  if (list.length === 0) return [id];
  if (!list.includes(id)) list.push(id);
  return list;
}
