import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { fileStamp } from "@/lib/alembic/hash-files-sync";

/** Hashes keyed by path and the file's identity (inode, size, mtime, ctime: fileStamp): the overview re-checks every applied file per poll, and a 2,000-revision project would re-read 2,000 files. */
const memo = new Map<string, { key: string; sha256: string }>();

/**
 * sha256 (hex) of a migration file's bytes; null when there is no file or it cannot be read. What
 * applied-file checksums and lint acknowledgements hold: an edited file has another hash.
 */
export async function hashMigrationFile(file: string | undefined): Promise<string | null> {
  if (!file) return null;
  try {
    const st = await fs.promises.stat(file);
    const key = fileStamp(st);
    const hit = memo.get(file);
    if (hit?.key === key) return hit.sha256;
    const sha256 = createHash("sha256")
      .update(await fs.promises.readFile(file))
      .digest("hex");
    memo.set(file, { key, sha256 });
    return sha256;
  } catch {
    return null;
  }
}
