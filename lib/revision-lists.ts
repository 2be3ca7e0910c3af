/**
 * Lists of revision ids as Cairn's store keeps them (Json columns until they become String[]):
 * read back, compared as sets, said in words. Pure.
 */

/** A Json column read back as the strings it holds ([] for anything else). */
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
