/**
 * The cheap first half of loading a project — configuration, listing, one stat per file — kept
 * apart from the parser so a caller that only needs the fingerprint (the CLI's result cache) loads
 * none of it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedProject } from "@/lib/alembic/types";
import type { Problem } from "@/lib/graph/types";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { defaultFileOrder, listMigrationFiles, type FileOrder } from "@/lib/alembic/list-migration-files";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { statFiles } from "@/lib/alembic/stat-files";

/** Bump when the reader's output for the same file, or the cache layout, could change. */
export const READER_VERSION = 7;

/**
 * The cheap first half of a load: where the migrations are, which files Alembic would load in
 * which order, and each file's size and mtime — everything `scanFingerprint` keys a cached load on.
 */
export interface ProjectScan {
  location: LoadedProject["location"];
  fileOrder: FileOrder;
  files: string[];
  /** Per file, size and mtime (ms) from one stat; NaN where the stat failed (see `errors`). */
  sizes: Float64Array;
  mtimes: Float64Array;
  /** Per file, the error statting it, if any. */
  errors: (Error | undefined)[];
  problems: Problem[];
  constantsKey: string;
  /**
   * Wall-clock time (ms) just before the files were listed. A file whose mtime is not well before
   * it is "racy" (as git calls it): it could be rewritten within the same filesystem clock tick,
   * keeping its size and mtime, so no cache may vouch for it. See `isRacy`.
   */
  scannedAt: number;
}

/**
 * File timestamps come from a coarse kernel clock (a tick of up to 10 ms on Linux, 2 s on FAT),
 * so an edit made right after a scan can leave size and mtime unchanged. Caches skip any file
 * modified less than this long before the scan; such a file is simply read again next time.
 */
export const RACY_MS = 2000;

export function isRacy(mtimeMs: number, scannedAt: number): boolean {
  return !(mtimeMs < scannedAt - RACY_MS);
}

export function scanProject(target: string, options: { constants?: ConstantsTable; fileOrder?: FileOrder } = {}): ProjectScan {
  const scannedAt = Date.now();
  const location = findAlembicLocation(target);
  const fileOrder = options.fileOrder ?? defaultFileOrder(location);
  const { files, problems } = listMigrationFiles(location, { fileOrder });
  const constantsKey = options.constants ? JSON.stringify(Object.entries(options.constants).sort(([a], [b]) => (a < b ? -1 : 1))) : "";
  // Numbers go to typed arrays, not kept Stats objects: thousands of live objects cost GC time.
  const { sizes, mtimes, errors } = statFiles(files);
  return { location, fileOrder, files, sizes, mtimes, errors, problems, constantsKey, scannedAt };
}

/**
 * Everything a load depends on, as bytes: configuration, listing in load order, constants, the
 * reader version, then every file's size and mtime. Equal bytes mean an equal load result (outside
 * racy files, see isRacy), so a caller may cache whatever it derives from a load under it. Kept
 * whole rather than hashed, so a cache compared on it cannot be fooled by a collision (and no hash
 * module is loaded for it): ~100 bytes per file. Built on demand — only the CLI's result cache
 * needs it, not every scan the server makes.
 */
export function scanFingerprint(scan: ProjectScan): Buffer {
  const { location, fileOrder, constantsKey, problems, files, sizes, mtimes } = scan;
  return Buffer.concat([Buffer.from(`${JSON.stringify([READER_VERSION, location, fileOrder, constantsKey, problems])}\0${files.join("\0")}\0`), new Uint8Array(sizes.buffer), new Uint8Array(mtimes.buffer)]);
}

/** `<repo>/node_modules/.cache/cairn`, found from this module even when bundled into that directory. */
function defaultCacheDir(): string {
  let dir: string;
  try {
    dir = path.dirname(fileURLToPath(import.meta.url));
  } catch {
    dir = process.cwd();
  }
  for (let d = dir; ; d = path.dirname(d)) {
    if (path.basename(d) !== "node_modules" && fs.existsSync(path.join(d, "node_modules"))) {
      return path.join(d, "node_modules", ".cache", "cairn");
    }
    if (path.dirname(d) === d) return path.join(os.tmpdir(), "cairn-cache");
  }
}

/** Where caches go unless told otherwise: $CAIRN_CACHE_DIR, else `<repo>/node_modules/.cache/cairn`. */
export function resolveCacheDir(cacheDir?: string | false): string | undefined {
  return cacheDir === false ? undefined : (cacheDir ?? process.env.CAIRN_CACHE_DIR ?? defaultCacheDir());
}
