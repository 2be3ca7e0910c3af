/**
 * sha256 (hex) of migration files' bytes, many at once and synchronously, for the graph reader's worker
 * thread (lib/project-graph): a 5,000-revision project's applied files hashed on the server's event loop
 * held it for seconds. The same hashes as hashMigrationFile, kept by path, size and mtime.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";

export type FileHashMemo = Map<string, { size: number; mtimeMs: number; sha256: string }>;

/** Past this many files the memo starts afresh: it stays bounded whatever the server is asked to hash. */
const MAX_MEMO = 100_000;

/** Each file's sha256, or null when it is missing or cannot be read. */
export function hashFilesSync(files: readonly string[], memo: FileHashMemo): (string | null)[] {
  if (memo.size > MAX_MEMO) memo.clear();
  return files.map((file) => {
    try {
      const st = fs.statSync(file);
      const hit = memo.get(file);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
      const sha256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
      memo.set(file, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
      return sha256;
    } catch {
      return null;
    }
  });
}
