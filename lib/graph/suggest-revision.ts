/**
 * "Did you mean" for a reference that names no revision. The cases come from real incidents:
 * a down_revision set to the migration's file name (with or without `.py`) instead of its id,
 * a truncated id, a typo of one or two characters.
 */
import type { MigrationScript } from "@/lib/graph/types";

export interface RevisionSuggestion {
  revision: string;
  reason: "file-name" | "prefix" | "id-with-slug" | "near-miss" | "branch-label";
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function unique<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** The revision a dangling reference most likely meant, or undefined when nothing fits unambiguously. */
export function suggestRevision(ref: string, scripts: readonly MigrationScript[], labels: ReadonlyMap<string, string> = new Map()): RevisionSuggestion | undefined {
  const ids = [...new Set(scripts.map((s) => s.revision))];
  const wanted = baseName(ref.trim());
  const stem = wanted.replace(/\.pyc?$/, "");

  const byFile = unique([...new Set(scripts.filter((s) => baseName(s.path).replace(/\.pyc?$/, "") === stem).map((s) => s.revision))]);
  if (byFile !== undefined) return { revision: byFile, reason: "file-name" };

  if (stem.length > 0) {
    const byPrefix = unique(ids.filter((id) => id.startsWith(stem)));
    if (byPrefix !== undefined) return { revision: byPrefix, reason: "prefix" };
    // "ae1027a6acf_add_account" — an id followed by the file's slug.
    const bySlug = unique(ids.filter((id) => stem.startsWith(id) && /^[_\-. ]/.test(stem.slice(id.length))));
    if (bySlug !== undefined) return { revision: bySlug, reason: "id-with-slug" };
  }

  const maxDistance = Math.min(2, Math.floor(stem.length / 4));
  if (maxDistance > 0) {
    let best = Infinity;
    let found: string[] = [];
    for (const id of ids) {
      const d = editDistance(stem, id);
      if (d < best) {
        best = d;
        found = [id];
      } else if (d === best) found.push(id);
    }
    const near = unique(found);
    if (near !== undefined && best <= maxDistance) return { revision: near, reason: "near-miss" };
    let bestLabel = Infinity;
    let labelFound: string[] = [];
    for (const label of labels.keys()) {
      const d = editDistance(stem, label);
      if (d < bestLabel) {
        bestLabel = d;
        labelFound = [label];
      } else if (d === bestLabel) labelFound.push(label);
    }
    const nearLabel = unique(labelFound);
    if (nearLabel !== undefined && bestLabel <= maxDistance) return { revision: nearLabel, reason: "branch-label" };
  }
  return undefined;
}
