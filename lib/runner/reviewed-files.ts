import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import nodePath from "node:path";
import type { RevisionGraph } from "@/lib/graph/types";

/**
 * The files a run's SQL comes from, as `sha256sum` prints them ("<hex>  <path>", paths relative to the
 * project, so an operator can check them with `sha256sum -c`): the Alembic config file (alembic.ini or
 * pyproject.toml) and the script directory's env.py, which decide what Alembic does with every step,
 * then each step's migration in path order. A file that
 * cannot be read is "missing". Read fresh every time — never from a cache keyed on size and mtime,
 * which an edit that keeps both (or `touch -r`) would slip past.
 */
export async function readReviewedFiles(o: { graph: Pick<RevisionGraph, "revisions">; steps: readonly string[]; rootDir: string; configFile?: string; scriptLocation?: string }): Promise<string[]> {
  const files = [...(o.configFile ? [o.configFile] : []), ...(o.scriptLocation ? [nodePath.join(o.scriptLocation, "env.py")] : []), ...o.steps.map((r) => o.graph.revisions.get(r)?.path ?? `(no file for revision ${r})`)];
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
