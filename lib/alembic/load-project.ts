/**
 * Loads every migration of a project statically, with a per-file cache keyed by path, size and
 * mtime so a second run re-reads only what changed. The cache is an optimisation only: any
 * failure to read or write it is ignored.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadedProject, MigrationScript, Problem } from "@/lib/alembic/types";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { listMigrationFiles } from "@/lib/alembic/list-migration-files";
import { decodePythonSource, readMigrationFile, type ConstantsTable } from "@/lib/alembic/read-migration-file";

/** Bump when the reader's output for the same file could change. */
export const READER_VERSION = 3;

export interface LoadProjectOptions {
  constants?: ConstantsTable;
  /** Where to keep the per-file cache; false disables it. */
  cacheDir?: string | false;
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  script?: MigrationScript;
  problems: Problem[];
}

interface CacheFile {
  version: number;
  constants: string;
  entries: Record<string, CacheEntry>;
}

function severityRank(p: Problem): number {
  return p.severity === "error" ? 0 : p.severity === "warning" ? 1 : 2;
}

/** Errors first, then by path and line, so output is stable. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(
    (a, b) =>
      severityRank(a) - severityRank(b) ||
      (a.path ?? "").localeCompare(b.path ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
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

function cacheFileFor(cacheDir: string, key: string): string {
  return path.join(cacheDir, `project-${crypto.createHash("sha1").update(key).digest("hex").slice(0, 16)}.json`);
}

function readCache(file: string, constantsKey: string): Record<string, CacheEntry> {
  try {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as CacheFile;
    if (data.version === READER_VERSION && data.constants === constantsKey && data.entries) return data.entries;
  } catch {
    // no cache yet, or unreadable: start empty
  }
  return {};
}

function writeCache(file: string, data: CacheFile): void {
  const body = JSON.stringify(data);
  for (const target of [file, path.join(os.tmpdir(), "cairn-cache", path.basename(file))]) {
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, target);
      return;
    } catch {
      // unwritable: try the next place; the cache never fails a load
    }
  }
}

/**
 * Load a project: `target` is an alembic.ini, a pyproject.toml, a directory holding one, or a
 * versions directory. Throws AppError only when the target or its configuration is unusable;
 * problems with individual files are returned in `problems`.
 */
export function loadProject(target: string, options: LoadProjectOptions = {}): LoadedProject {
  const location = findAlembicLocation(target);
  const { files, problems } = listMigrationFiles(location);
  const constantsKey = options.constants ? JSON.stringify(Object.entries(options.constants).sort(([a], [b]) => (a < b ? -1 : 1))) : "";
  const cacheDir = options.cacheDir === false ? undefined : options.cacheDir ?? process.env.CAIRN_CACHE_DIR ?? defaultCacheDir();
  const cacheFile = cacheDir ? cacheFileFor(cacheDir, JSON.stringify([location.versionLocations, location.recursiveVersionLocations])) : undefined;
  let old: Record<string, CacheEntry> = {};
  if (cacheFile) {
    old = readCache(cacheFile, constantsKey);
    if (Object.keys(old).length === 0) {
      const fallback = path.join(os.tmpdir(), "cairn-cache", path.basename(cacheFile));
      if (fallback !== cacheFile) old = readCache(fallback, constantsKey);
    }
  }
  const entries: Record<string, CacheEntry> = {};
  const scripts: MigrationScript[] = [];
  let parsed = 0;
  let cached = 0;
  for (const file of files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      problems.push({ code: "unreadable-file", severity: "error", path: file, message: `${file}: cannot read it (${(e as Error).message}). Alembic cannot import it either; fix or remove it.` });
      continue;
    }
    let entry = old[file];
    if (entry && entry.size === st.size && entry.mtimeMs === st.mtimeMs) {
      cached++;
    } else {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (e) {
        problems.push({ code: "unreadable-file", severity: "error", path: file, message: `${file}: cannot read it (${(e as Error).message}). Alembic cannot import it either; fix or remove it.` });
        continue;
      }
      const result = readMigrationFile(decodePythonSource(bytes), file, { constants: options.constants });
      entry = { size: st.size, mtimeMs: st.mtimeMs, problems: result.problems };
      if (result.script) entry.script = result.script;
      parsed++;
    }
    entries[file] = entry;
    if (entry.script) scripts.push(entry.script);
    for (const p of entry.problems) problems.push(p);
  }
  if (cacheFile && (parsed > 0 || Object.keys(old).length !== files.length)) {
    writeCache(cacheFile, { version: READER_VERSION, constants: constantsKey, entries });
  }
  return { location, scripts, problems: sortProblems(problems), stats: { files: files.length, parsed, cached } };
}
