/**
 * readProjectGraph over a FileSource other than the disk (a git commit): the same location finder,
 * file filter, parser and graph engine; only listing and reading go through the source. Files load in
 * sorted order (Alembic >= 1.10): a commit has no directory order, and the order only breaks ties.
 */
import path from "node:path";
import type { FileSource } from "@/lib/alembic/file-source";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { SOURCE_REV_FILE } from "@/lib/alembic/list-migration-files";
import { sortProblems } from "@/lib/alembic/load-project";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { readMigrationBytes } from "@/lib/alembic/read-migration-bytes";
import type { ProjectGraph } from "@/lib/project-graph/read-project-graph";
import type { MigrationScript, Problem } from "@/lib/graph/types";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";

/** Same limit as the disk listing (MAX_WALK_DEPTH). */
const MAX_DEPTH = 32;

export function readProjectGraphFromSource(target: string, source: FileSource, options: { constants?: ConstantsTable; maxRevisionLength?: number } = {}): ProjectGraph {
  const location = findAlembicLocation(target, source);
  const problems: Problem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, depth: number) => {
    const entries = source.list(dir);
    for (const e of entries) if (e.kind === "file" && SOURCE_REV_FILE.test(e.name)) files.push(path.join(dir, e.name));
    if (!location.recursiveVersionLocations || depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.kind === "dir" && e.name !== "__pycache__") walk(path.join(dir, e.name), depth + 1);
  };
  for (const vers of location.versionLocations) {
    if (source.kind(vers) !== "dir") {
      problems.push({ code: "missing-versions-directory", severity: "warning", path: vers, message: `${vers} does not exist at this commit; Alembic ignores a missing version location.` });
      continue;
    }
    walk(vers, 0);
  }
  const scripts: MigrationScript[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    let bytes: Uint8Array;
    try {
      bytes = source.read(file);
    } catch (e) {
      problems.push({ code: "unreadable-file", severity: "error", path: file, message: `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "error"}).` });
      continue;
    }
    const result = readMigrationBytes(bytes, file, { constants: options.constants });
    if (result.script) scripts.push(result.script);
    problems.push(...result.problems);
  }
  const project = { location, scripts, problems: sortProblems(problems), stats: { files: files.length, parsed: files.length, cached: 0 } };
  const graph = buildRevisionGraph(scripts, options.maxRevisionLength === undefined ? {} : { maxRevisionLength: options.maxRevisionLength });
  graph.problems = sortProblems([...project.problems, ...graph.problems]);
  return { project, graph };
}
