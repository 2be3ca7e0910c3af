/**
 * The migration graph at another git ref, read without checking it out, and what it changes against
 * the working tree or a second ref: revisions added, removed or edited, heads that appear, and each
 * environment's pending list against that ref ("what release/1.4 brings to production").
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { readProjectGraph, type ProjectGraph } from "@/lib/project-graph/read-project-graph";
import { readProjectGraphFromSource } from "@/lib/project-graph/read-project-graph-from-source";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { AppError, isAppError } from "@/lib/errors";
import { upgradePath } from "@/lib/graph/migration-path";
import type { RevisionGraph } from "@/lib/graph/types";
import { readGitCommit } from "@/lib/git/read-git-commit";
import type { GraphComparison, PendingAtRef } from "@/lib/git/project-at-ref.types";

export type { GraphComparison, PendingAtRef };

/** One side of a comparison: its graph and each revision's content hash (git's blob id). */
export interface GraphSide {
  /** "working tree", or the ref as given. */
  label: string;
  commit?: string;
  graph: RevisionGraph;
  hashes: Map<string, string>;
  /** Where the project is, so paths can be shown relative to it. */
  rootDir: string;
}

/** Git's blob id of some bytes, so a file on disk compares with the same file in a commit. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function hashesOf(pg: ProjectGraph, hashOf: (file: string) => string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of pg.project.scripts) {
    const h = hashOf(s.path);
    if (h) out.set(s.revision, h);
  }
  return out;
}

/** The project as it is on disk now. */
export function readWorkingTreeSide(target: string, options: { constants?: ConstantsTable } = {}): GraphSide {
  const pg = readProjectGraph(target, { ...options, cacheDir: false });
  return {
    label: "working tree",
    graph: pg.graph,
    rootDir: pg.project.location.rootDir,
    hashes: hashesOf(pg, (f) => {
      try {
        return gitBlobId(fs.readFileSync(f));
      } catch {
        return undefined;
      }
    }),
  };
}

/** The project as it is at `ref` of the repository that holds it (validated; never checked out). */
export async function readRefSide(target: string, ref: string, options: { constants?: ConstantsTable } = {}): Promise<GraphSide> {
  const abs = path.resolve(target);
  const commit = await readGitCommit(abs, ref);
  // git names the repository by its real path: read the project through the same one.
  let real = abs;
  try {
    real = fs.realpathSync(abs);
  } catch {
    // gone from the working tree but perhaps present at the ref: the path as given
  }
  await commit.prefetch((p) => /(\.ini|[\\/]pyproject\.toml)$/.test(p));
  let location;
  try {
    location = findAlembicLocation(real, commit.source);
  } catch (e) {
    if (isAppError(e)) throw new AppError(e.code, e.message, `At "${ref}": ${e.userMessage}`);
    throw e;
  }
  const under = location.versionLocations.map((v) => v + path.sep);
  await commit.prefetch((p) => p.endsWith(".py") && under.some((v) => p.startsWith(v)));
  const pg = readProjectGraphFromSource(real, commit.source, options);
  return { label: ref, commit: commit.commit, graph: pg.graph, rootDir: pg.project.location.rootDir, hashes: hashesOf(pg, (f) => commit.source.hash(f)) };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** What `target` changes against `base`. Pure. */
export function compareGraphSides(base: GraphSide, target: GraphSide): GraphComparison {
  const b = base.graph.revisions;
  const t = target.graph.revisions;
  const baseHeads = new Set(base.graph.heads);
  return {
    base: base.label,
    target: target.label,
    added: sorted([...t.keys()].filter((id) => !b.has(id))),
    removed: sorted([...b.keys()].filter((id) => !t.has(id))),
    edited: sorted([...t.keys()].filter((id) => b.has(id) && base.hashes.get(id) !== undefined && target.hashes.get(id) !== undefined && base.hashes.get(id) !== target.hashes.get(id))),
    newHeads: sorted(target.graph.heads.filter((h) => !baseHeads.has(h))),
    heads: { base: sorted(base.graph.heads), target: sorted(target.graph.heads) },
  };
}

/**
 * What `upgrade heads` would apply on each environment if the graph were the one at the ref. An
 * environment holding a revision the ref does not have is reported, not guessed at.
 */
export function pendingAgainst(graph: RevisionGraph, environments: { name: string; revisions: string[] }[], refLabel: string): PendingAtRef[] {
  return environments.map((e) => {
    const unknown = e.revisions.filter((r) => !graph.revisions.has(r));
    if (unknown.length) {
      return { environment: e.name, applied: e.revisions, error: `${e.name} has ${unknown.join(", ")} applied, which ${refLabel} does not have: it is ahead of ${refLabel} or on another branch.` };
    }
    try {
      return { environment: e.name, applied: e.revisions, pending: graph.heads.length ? upgradePath(graph, e.revisions, "heads").steps : [] };
    } catch (err) {
      return { environment: e.name, applied: e.revisions, error: isAppError(err) ? err.userMessage : `the pending revisions at ${refLabel} could not be worked out` };
    }
  });
}
