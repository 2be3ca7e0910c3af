/**
 * Lists migration files exactly as Alembic's ScriptDirectory does (alembic/script/base.py
 * `_load_revisions`, `Script._list_py_dir`, `Script._from_filename`): names matching
 * `(?!\.\#|__init__)(.*\.py)$`, a real path seen twice loaded once.
 *
 * Load order matters: it breaks ties in heads order, `alembic history` order and the step order of
 * independent branches. Two orders exist, by Alembic release:
 * - "directory" (Alembic < 1.10, e.g. Debian's 1.8.1): `os.listdir(path)`, unsorted — whatever
 *   readdir(3) returns for that directory — and never recursive. Node's `fs.readdirSync` sorts
 *   (libuv's scandir sorts), so this reads the directory with `fs.opendirSync` + `readSync`, which
 *   is plain readdir and gives the same order as Python's `os.listdir` on the same directory.
 * - "sorted" (Alembic ≥ 1.10): `os.walk`, file names sorted per directory, subdirectories (sorted,
 *   `__pycache__` skipped) only when recursive_version_locations is on.
 */
import fs from "node:fs";
import path from "node:path";
import type { AlembicLocation } from "@/lib/alembic/types";
import type { Problem } from "@/lib/graph/types";

/** alembic/script/base.py `_only_source_rev_file`, applied with re.match. */
export const SOURCE_REV_FILE = /^(?!\.#|__init__)[^\n]*\.py$/;

/** Which Alembic release's listing to reproduce; see the module comment. */
export type FileOrder = "directory" | "sorted";

export interface MigrationFileList {
  /** Absolute paths, in Alembic's load order. */
  files: string[];
  problems: Problem[];
}

/**
 * The default for a location: recursive_version_locations only exists from Alembic 1.10 on, so a
 * project that sets it runs a release that sorts; otherwise assume the 1.8 raw directory order.
 */
export function defaultFileOrder(location: AlembicLocation): FileOrder {
  return location.recursiveVersionLocations ? "sorted" : "directory";
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Raw readdir(3) order, as Python's os.listdir returns it. */
function readDirectoryOrder(dir: string): fs.Dirent[] {
  const handle = fs.opendirSync(dir, { bufferSize: 1024 });
  const out: fs.Dirent[] = [];
  try {
    for (let e = handle.readSync(); e !== null; e = handle.readSync()) out.push(e);
  } finally {
    handle.closeSync();
  }
  return out;
}

/**
 * Limits of a recursive listing. Alembic's os.walk never follows a link to a directory, so only a
 * bind mount or a very deep tree could make the walk long; the limits turn that into a problem
 * instead of a server that stops answering.
 */
export const MAX_WALK_DEPTH = 32;
export const MAX_WALK_FILES = 100_000;

interface WalkState {
  order: FileOrder;
  recursive: boolean;
  out: [string, string, boolean][];
  problems: Problem[];
  /** dev:ino of every directory listed, so no directory is listed twice. */
  visited: Set<string>;
  maxDepth: number;
  maxFiles: number;
  /** Files already listed from earlier version locations, which count against maxFiles. */
  already: number;
  /** Set once a limit is hit: the walk stops. */
  stopped: boolean;
}

/** Collects [path, real path] pairs; realpath is paid once per directory and per symlink only. */
function walk(dir: string, depth: number, st: WalkState): void {
  const { order, recursive, out } = st;
  if (recursive) {
    const stat = fs.statSync(dir);
    const id = `${stat.dev}:${stat.ino}`;
    if (st.visited.has(id)) return;
    st.visited.add(id);
  }
  const entries = order === "directory" ? readDirectoryOrder(dir) : fs.readdirSync(dir, { withFileTypes: true });
  const realDir = fs.realpathSync(dir);
  // Plain concatenation: `dir` is already absolute and normalised, and path.join per file shows up
  // in profiles of 5,000-file directories.
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const realPrefix = realDir.endsWith(path.sep) ? realDir : realDir + path.sep;
  const files: string[] = [];
  const links = new Set<string>();
  const dirs: string[] = [];
  const linkedDirs: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isSymbolicLink()) {
      links.add(e.name);
      // os.walk lists a symlink to a directory among dirs (and, with followlinks=False, never
      // enters it), a symlink to a file among files.
      try {
        (fs.statSync(path.join(dir, e.name)).isDirectory() ? linkedDirs : files).push(e.name);
      } catch {
        files.push(e.name);
      }
    } else files.push(e.name);
  }
  if (order === "sorted") files.sort(byCodePoint);
  for (const f of files) {
    if (!SOURCE_REV_FILE.test(f)) continue;
    if (st.already + out.length >= st.maxFiles) {
      st.stopped = true;
      st.problems.push({
        code: "too-many-migration-files",
        severity: "error",
        path: dir,
        message: `the version locations hold more than ${st.maxFiles} migration files; Cairn stopped listing them here, so the graph is incomplete. Check version_locations and recursive_version_locations for a directory that should not be searched.`,
      });
      return;
    }
    const p = prefix + f;
    let real = realPrefix + f;
    if (links.size > 0 && links.has(f)) {
      try {
        real = fs.realpathSync(p);
      } catch {
        // a dangling link: Alembic fails to import it; the reader reports it as unreadable
      }
    }
    out.push([p, real, links.has(f)]);
  }
  if (!recursive || order === "directory") return;
  for (const d of linkedDirs.sort(byCodePoint)) {
    st.problems.push({
      code: "linked-directory-skipped",
      severity: "warning",
      path: prefix + d,
      message: `${d} is a symbolic link to a directory; Alembic (os.walk) does not descend into linked directories, so neither does Cairn, and no migration under it is loaded. Move the migrations into a real directory, or list it in version_locations.`,
    });
  }
  dirs.sort(byCodePoint);
  for (const d of dirs) {
    if (st.stopped) return;
    if (d === "__pycache__") continue;
    if (depth + 1 > st.maxDepth) {
      st.stopped = true;
      st.problems.push({
        code: "version-locations-too-deep",
        severity: "error",
        path: prefix + d,
        message: `directories nest more than ${st.maxDepth} levels below the version location; Cairn stopped listing there, so the graph may be incomplete. Flatten the versions tree, or turn recursive_version_locations off.`,
      });
      return;
    }
    walk(prefix + d, depth + 1, st);
  }
}

export function listMigrationFiles(location: AlembicLocation, options: { fileOrder?: FileOrder; maxDepth?: number; maxFiles?: number } = {}): MigrationFileList {
  const order = options.fileOrder ?? defaultFileOrder(location);
  const problems: Problem[] = [];
  const limits = { maxDepth: options.maxDepth ?? MAX_WALK_DEPTH, maxFiles: options.maxFiles ?? MAX_WALK_FILES };
  let listed = 0;
  const files: string[] = [];
  const seen = new Set<string>();
  const explicit = location.scriptLocation === undefined || location.versionLocations.length !== 1 || location.versionLocations[0] !== path.join(location.scriptLocation, "versions");
  for (const vers of location.versionLocations) {
    if (!fs.existsSync(vers)) {
      // Alembic silently ignores missing explicit version_locations, but fails on a missing default versions/.
      problems.push({
        code: "missing-versions-directory",
        severity: explicit ? "warning" : "error",
        path: vers,
        message: `${vers} does not exist${explicit ? "; Alembic ignores it" : ", and Alembic fails without it"}. Create it or fix version_locations${location.configFile ? ` in ${location.configFile}` : ""}.`,
      });
      continue;
    }
    const found: [string, string, boolean][] = [];
    const st: WalkState = { order, recursive: location.recursiveVersionLocations, out: found, problems, visited: new Set(), ...limits, already: listed, stopped: false };
    try {
      walk(vers, 0, st);
    } catch (e) {
      // The error code only: a message can carry more of the path than the reader should show.
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ code: "unreadable-directory", severity: "error", path: vers, message: `cannot list ${vers}${code ? ` (${code})` : ""}. Check that it is a directory the Cairn server may read.` });
      continue;
    }
    listed += found.length;
    // One flat location without symlinks cannot reach a file twice: spare 5,000 Set insertions.
    if (location.versionLocations.length === 1 && !location.recursiveVersionLocations && !found.some((x) => x[2])) {
      for (const x of found) files.push(x[0]);
      continue;
    }
    for (const [f, real] of found) {
      if (seen.has(real)) {
        problems.push({
          code: "file-loaded-twice",
          severity: "warning",
          path: f,
          message: `${real} is reached through two version locations; Alembic loads it once and warns. Make version_locations unique.`,
        });
        continue;
      }
      seen.add(real);
      files.push(f);
    }
  }
  return { files, problems };
}
