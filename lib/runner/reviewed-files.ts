import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import nodePath from "node:path";
import type { RevisionGraph } from "@/lib/graph/types";

/**
 * The files a run's SQL comes from, as `sha256sum` prints them ("<hex>  <path>", paths relative to the
 * project, so an operator can check them with `sha256sum -c`):
 * 1. the Alembic config file (alembic.ini or pyproject.toml) and the script directory's env.py, which
 *    decide what Alembic does with every step;
 * 2. every other Python or SQL file under the script directory and the version locations — helpers a
 *    migration imports, SQL files it reads (`op.execute(open(…).read())`) — sorted (not `__pycache__`,
 *    dot-directories or virtualenvs; not other files, such as a SQLite database kept beside them, which
 *    change with every run);
 * 3. each step's migration, in path order.
 * Modules imported from outside those directories (an application's own package) are not covered.
 * A file that cannot be read is "missing". Read fresh every time — never from a cache keyed on size and
 * mtime, which an edit that keeps both (or `touch -r`) would slip past.
 */
export async function readReviewedFiles(o: {
  graph: Pick<RevisionGraph, "revisions">;
  steps: readonly string[];
  rootDir: string;
  configFile?: string;
  scriptLocation?: string;
  versionLocations?: readonly string[];
}): Promise<string[]> {
  const envPy = o.scriptLocation ? nodePath.join(o.scriptLocation, "env.py") : undefined;
  const migrations = new Set([...o.graph.revisions.values()].map((n) => n.path).filter((p): p is string => !!p));
  const listed = new Set([o.configFile, envPy].filter((p): p is string => !!p).map((p) => nodePath.resolve(p)));
  const others = await otherFiles([o.scriptLocation, ...(o.versionLocations ?? [])], (file) => !migrations.has(file) && !listed.has(nodePath.resolve(file)));
  const files = [...(o.configFile ? [o.configFile] : []), ...(envPy ? [envPy] : []), ...others, ...o.steps.map((r) => o.graph.revisions.get(r)?.path ?? `(no file for revision ${r})`)];
  return Promise.all(
    files.map(async (file) => {
      const digest = await fs.promises.readFile(file).then(
        (bytes) => createHash("sha256").update(bytes).digest("hex"),
        () => "missing",
      );
      return `${digest}  ${nodePath.isAbsolute(file) ? nodePath.relative(o.rootDir, file) : file}`;
    }),
  );
}

/** Directories never searched for a migration's helpers: caches, virtualenvs, dependencies. */
const SKIPPED_DIRS = new Set(["__pycache__", "node_modules", "site-packages", "venv", "env"]);

/** Python and SQL files under these directories (recursively, each once, sorted) that `keep` accepts. */
async function otherFiles(dirs: ReadonlyArray<string | undefined>, keep: (file: string) => boolean): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of new Set(dirs.filter((d): d is string => !!d))) {
    const entries = await fs.promises.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const file = nodePath.join(e.parentPath, e.name);
      const rel = nodePath.relative(dir, file);
      if (!/\.(py|sql)$/i.test(e.name) || rel.split(nodePath.sep).some((part) => part.startsWith(".") || SKIPPED_DIRS.has(part))) continue;
      if (keep(file)) found.add(file);
    }
  }
  return [...found].sort();
}

/** A plan made again under the database lock: its steps and the files they come from (readReviewedFiles), or why it cannot be made. */
export type Replanned = { steps: string[]; reviewedFiles: string[] } | { error: string };

const pathOf = (line: string) => line.slice(line.indexOf("  ") + 2);

/**
 * What differs between the files a run was reviewed with and the files now, as a sentence naming
 * them, or null when they are the same. `since` says which review ("you reviewed this run", "this run
 * was requested"); `outcome` what was (not) done. Pure.
 */
export function describeReviewedFilesChange(reviewed: readonly string[], now: readonly string[], since: string, outcome: string): string | null {
  if (reviewed.length === now.length && reviewed.every((l, i) => l === now[i])) return null;
  if (reviewed.length === 0) {
    return `This run was stored before Cairn recorded the files its SQL comes from, so Cairn cannot show they are unchanged. ${outcome}`;
  }
  const before = new Map(reviewed.map((l) => [pathOf(l), l]));
  const after = new Map(now.map((l) => [pathOf(l), l]));
  const edited = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  if (edited.length) return `${namedFiles(edited)} changed after ${since}, so the reviewed SQL is not what would run. ${outcome}`;
  const added = [...after.keys()].filter((p) => !before.has(p));
  const gone = [...before.keys()].filter((p) => !after.has(p));
  const what = [added.length ? `it would now also run ${namedFiles(added)}` : "", gone.length ? `it would no longer run ${namedFiles(gone)}` : ""].filter(Boolean).join(" and ");
  return `The run's steps changed after ${since} (${what || "its files are in another order"}), so the reviewed SQL is not what would run. ${outcome}`;
}

/** "a.py", "a.py and b.py", "a.py, b.py and c.py", "a.py, b.py and 3 more files". */
function namedFiles(paths: readonly string[]): string {
  if (paths.length <= 1) return paths[0] ?? "a migration file";
  if (paths.length === 2) return `${paths[0]} and ${paths[1]}`;
  if (paths.length === 3) return `${paths[0]}, ${paths[1]} and ${paths[2]}`;
  return `${paths[0]}, ${paths[1]} and ${paths.length - 2} more files`;
}
