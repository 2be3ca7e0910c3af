/**
 * The identity of a path's migration files: sha256 over each revision id and its file's bytes,
 * in path order. A rehearsal counts for a run only when this matches: an edited migration needs
 * a new rehearsal. Pure.
 */
import { createHash } from "node:crypto";

export function hashPathFiles(files: ReadonlyArray<{ revision: string; source: string | null }>): string {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(f.revision)
      .update("\0")
      .update(f.source ?? "\u0000missing")
      .update("\0");
  }
  return h.digest("hex");
}
