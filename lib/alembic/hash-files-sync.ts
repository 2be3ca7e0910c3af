/**
 * sha256 (hex) of migration files' bytes, many at once and synchronously, for the graph reader's worker
 * thread (lib/project-graph): a 5,000-revision project's applied files hashed on the server's event loop
 * held it for seconds. Kept by path and the file's identity
 * (inode, size, mtime and ctime: an edit that keeps the size and puts the mtime back — touch -d, a
 * copy that preserves times — still changes ctime, which no tool can set).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";

export type FileHashMemo = Map<string, { stamp: string; sha256: string }>;

/** Past this many files the memo starts afresh: it stays bounded whatever the server is asked to hash. */
const MAX_MEMO = 100_000;

/** Each file's sha256, or null when there is none (no path), it is missing or it cannot be read. */
export function hashFilesSync(files: readonly (string | undefined)[], memo: FileHashMemo): (string | null)[] {
  if (memo.size > MAX_MEMO) memo.clear();
  return files.map((file) => {
    if (!file) return null;
    try {
      const st = fs.statSync(file);
      const stamp = fileStamp(st);
      const hit = memo.get(file);
      if (hit?.stamp === stamp) return hit.sha256;
      const sha256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
      memo.set(file, { stamp, sha256 });
      return sha256;
    } catch {
      return null;
    }
  });
}

/** What says a file is the one hashed before: inode, size, mtime and ctime (which only the kernel sets). */
export function fileStamp(st: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}
