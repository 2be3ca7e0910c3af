/**
 * Loads every migration of a project statically, with a per-file cache keyed by path, size and
 * mtime so a second run re-reads only what changed. The cache is an optimisation only: any
 * failure to read or write it is ignored.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoadedProject } from "@/lib/alembic/types";
import type { MigrationScript, Problem } from "@/lib/graph/types";
import type { FileOrder } from "@/lib/alembic/list-migration-files";
import { isRacy, READER_VERSION, resolveCacheDir, scanProject, type ProjectScan } from "@/lib/alembic/scan-project";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { readMigrationBytes } from "@/lib/alembic/read-migration-bytes";
import { cacheFileName } from "@/lib/alembic/cache-file-name";

export { isRacy, RACY_MS, READER_VERSION, resolveCacheDir, scanProject, type ProjectScan } from "@/lib/alembic/scan-project";

export interface LoadProjectOptions {
  constants?: ConstantsTable;
  /** Where to keep the per-file cache; false disables it. */
  cacheDir?: string | false;
  /**
   * Load order of the version files, which breaks Alembic's ties: "directory" is Alembic < 1.10
   * (raw os.listdir order, no recursion), "sorted" is Alembic >= 1.10 (names sorted, recursive when
   * recursive_version_locations is on). Default: "sorted" when the project sets
   * recursive_version_locations (a 1.10+ key), otherwise "directory" (the installed Alembic 1.8.1).
   */
  fileOrder?: FileOrder;
}

/**
 * One cached file, as a flat array so 5,000 of them parse quickly:
 * [size, mtimeMs, revision, downRevisions, branchLabels, dependsOn, message, createDate,
 *  [line of revision, down_revision, branch_labels, depends_on] (0 = absent), problems]
 * or [size, mtimeMs, problems] for a file that yielded no script.
 */
type CompactEntry = [number, number, string, string[], string[], string[], string, string | null, [number, number, number, number], Problem[]] | [number, number, Problem[]];

/**
 * Paths and entries as two parallel lists rather than one object keyed by path: an object with
 * 5,000 keys is a dictionary whose every key V8 interns (on JSON.parse and on each insertion) and
 * whose JSON.stringify takes the slow path — ~10 ms more per cold load of 5,000 files.
 */
interface CacheFile {
  v: number;
  /** The versions locations and file order the cache is for (its file name is only a hash of it). */
  l: string;
  k: string;
  /** Paths, in load order. */
  p: string[];
  /** The entry of each path in `p`. */
  e: CompactEntry[];
}

function toCompact(size: number, mtimeMs: number, script: MigrationScript | undefined, problems: Problem[]): CompactEntry {
  if (!script) return [size, mtimeMs, problems];
  const l = script.lines;
  return [
    size,
    mtimeMs,
    script.revision,
    script.downRevisions,
    script.branchLabels,
    script.dependsOn,
    script.message,
    script.createDate ?? null,
    [l.revision ?? 0, l.downRevision ?? 0, l.branchLabels ?? 0, l.dependsOn ?? 0],
    problems,
  ];
}

function fromCompact(file: string, e: CompactEntry): { script?: MigrationScript; problems: Problem[] } {
  if (e.length === 3) return { problems: e[2] };
  const [, , revision, downRevisions, branchLabels, dependsOn, message, createDate, l, problems] = e;
  const lines: MigrationScript["lines"] = {};
  if (l[0]) lines.revision = l[0];
  if (l[1]) lines.downRevision = l[1];
  if (l[2]) lines.branchLabels = l[2];
  if (l[3]) lines.dependsOn = l[3];
  const script: MigrationScript = { revision, downRevisions, branchLabels, dependsOn, path: file, message, lines };
  if (createDate !== null) script.createDate = createDate;
  return { script, problems };
}

function severityRank(p: Problem): number {
  return p.severity === "error" ? 0 : p.severity === "warning" ? 1 : 2;
}

/** Errors first, then by path and line, so output is stable. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => severityRank(a) - severityRank(b) || (a.path ?? "").localeCompare(b.path ?? "") || (a.line ?? 0) - (b.line ?? 0) || a.code.localeCompare(b.code));
}

function cacheFileFor(cacheDir: string, key: string): string {
  return path.join(cacheDir, cacheFileName("project", key, ".json"));
}

function readCache(file: string, where: string, constantsKey: string): Map<string, CompactEntry> | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as CacheFile;
    if (data.v === READER_VERSION && data.l === where && data.k === constantsKey && Array.isArray(data.p) && Array.isArray(data.e) && data.p.length === data.e.length) {
      const entries = new Map<string, CompactEntry>();
      for (let i = 0; i < data.p.length; i++) entries.set(data.p[i]!, data.e[i]!);
      return entries;
    }
  } catch {
    // no cache yet, or unreadable: start empty
  }
  return undefined;
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
 * Reads a file whose size the scan already knows into one reused buffer: no fstat and no new
 * Buffer per file, which adds up over thousands of migrations. The bytes are valid until the next call.
 */
let shared = Buffer.allocUnsafe(64 * 1024);
function readInto(file: string, size: number): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    // Room for one byte more than the scan saw, to notice a file that grew since.
    if (shared.length < size + 1) shared = Buffer.allocUnsafe(Math.max(size + 1, shared.length * 2));
    let n = 0;
    for (;;) {
      const want = shared.length - n;
      const got = fs.readSync(fd, shared, n, want, n);
      if (got === 0) break;
      n += got;
      // A regular file reads short only at its end: one read of size + 1 bytes that returns
      // exactly the size the scan saw needs no second read to find the end.
      if (got < want && n === size) break;
      if (n === shared.length) shared = Buffer.concat([shared, Buffer.allocUnsafe(shared.length)]);
    }
    return shared.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

const unreadable = (file: string, e: unknown): Problem => ({
  code: "unreadable-file",
  severity: "error",
  path: file,
  message: `${file}: cannot read it (${(e as Error).message}). Alembic cannot import it either; fix or remove it.`,
});

/**
 * Load a project: `target` is an alembic.ini, a pyproject.toml, a directory holding one, or a
 * versions directory. Throws AppError only when the target or its configuration is unusable;
 * problems with individual files are returned in `problems`. `scan`, from `scanProject` with the
 * same options, saves listing and statting the files a second time.
 */
export function loadProject(target: string, options: LoadProjectOptions & { scan?: ProjectScan } = {}): LoadedProject {
  const scan = options.scan ?? scanProject(target, options);
  const { location, fileOrder, files, sizes, mtimes, errors, constantsKey } = scan;
  const problems = [...scan.problems];
  const cacheDir = resolveCacheDir(options.cacheDir);
  const where = JSON.stringify([location.versionLocations, location.recursiveVersionLocations, fileOrder]);
  const cacheFile = cacheDir ? cacheFileFor(cacheDir, where) : undefined;
  let old: Map<string, CompactEntry> | undefined;
  if (cacheFile) {
    old = readCache(cacheFile, where, constantsKey);
    if (!old) {
      const fallback = path.join(os.tmpdir(), "cairn-cache", path.basename(cacheFile));
      if (fallback !== cacheFile) old = readCache(fallback, where, constantsKey);
    }
  }
  const cachedPaths: string[] = [];
  // Per cached path, its entry from the old cache or, for a file parsed now, the file's index: its
  // entry is made only when the cache is written. Made as each file was parsed, 5,000 entries (two
  // arrays each) outlived the whole read, and the garbage collector copied them on every collection.
  const entries: (CompactEntry | number)[] = [];
  const scriptAt: (MigrationScript | undefined)[] = [];
  const problemsAt: Problem[][] = [];
  const scripts: MigrationScript[] = [];
  let parsed = 0;
  let cached = 0;
  let racy = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const error = errors[i];
    if (error) {
      problems.push(unreadable(file, error));
      continue;
    }
    const size = sizes[i]!;
    const mtimeMs = mtimes[i]!;
    // A racy file is neither trusted from the cache nor written to it (see isRacy).
    const trusted = !isRacy(mtimeMs, scan.scannedAt);
    const entry = trusted ? old?.get(file) : undefined;
    if (entry && entry[0] === size && entry[1] === mtimeMs) {
      cached++;
      cachedPaths.push(file);
      entries.push(entry);
      const { script, problems: fileProblems } = fromCompact(file, entry);
      if (script) scripts.push(script);
      for (const p of fileProblems) problems.push(p);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = readInto(file, size);
    } catch (e) {
      problems.push(unreadable(file, e));
      continue;
    }
    const result = readMigrationBytes(bytes, file, { constants: options.constants });
    parsed++;
    if (!trusted) racy++;
    else if (cacheFile) {
      cachedPaths.push(file);
      entries.push(i);
      scriptAt[i] = result.script;
      problemsAt[i] = result.problems;
    }
    if (result.script) scripts.push(result.script);
    for (const p of result.problems) problems.push(p);
  }
  // Rewrite only when something changed: a file parsed anew, or one gone from the listing.
  if (cacheFile && (parsed > racy || old === undefined || old.size !== cached)) {
    const e = entries.map((x) => (typeof x === "number" ? toCompact(sizes[x]!, mtimes[x]!, scriptAt[x], problemsAt[x]!) : x));
    writeCache(cacheFile, { v: READER_VERSION, l: where, k: constantsKey, p: cachedPaths, e });
  }
  return { location, scripts, problems: sortProblems(problems), stats: { files: files.length, parsed, cached } };
}
