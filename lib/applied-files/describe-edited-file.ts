/** Pure: what an applied migration whose file changed since looks like, and how it is said. */

/** One environment where a revision was applied with file content other than today's. */
export interface EditedAppliedFile {
  revision: string;
  /** The file relative to the project root, as it is now (or was then, when it is gone). */
  file: string;
  environment: string;
  /** When it was applied by a Cairn run, or first seen applied outside Cairn (ISO). */
  appliedAt: string;
  source: "run" | "observed";
  /** False when the file no longer exists. */
  exists: boolean;
}

/** "c3 (versions/c3.py) was edited after it was applied to production on 2026-11-02 — the database did not get this change." */
export function describeEditedAppliedFile(e: EditedAppliedFile): string {
  const day = e.appliedAt.slice(0, 10);
  const when = e.source === "run" ? `it was applied to ${e.environment} on ${day}` : `Cairn first saw it applied to ${e.environment} on ${day}`;
  if (!e.exists) return `${e.revision}'s file ${e.file} was removed after ${when}.`;
  return `${e.revision} (${e.file}) was edited after ${when} — the database did not get this change.`;
}
