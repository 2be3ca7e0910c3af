import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { projectDirOf, relativeText } from "@/lib/alembic/relative-paths";
import { AppError, isAppError } from "@/lib/errors";
import { compareGraphSides, gitBlobId, pendingAgainst, readRefSide, type GraphSide } from "@/lib/git/read-graph-at-ref";
import type { ProjectAtRef } from "@/lib/git/project-at-ref.types";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { projectConstants } from "@/lib/projects/project-constants";
import { readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import type { UrlOptions } from "@/lib/projects/load-project";

/** The working tree off the event loop (the graph in the reader's worker, files hashed asynchronously). */
async function readWorkingTreeSideAsync(alembicPath: string, constants: Record<string, string | string[] | null>): Promise<GraphSide> {
  const { project, graph } = await readProjectGraphAsync(alembicPath, { constants });
  const hashes = new Map<string, string>();
  await Promise.all(
    project.scripts.map(async (s) => {
      try {
        hashes.set(s.revision, gitBlobId(await fs.promises.readFile(s.path)));
      } catch {
        // unreadable now: not compared
      }
    }),
  );
  return { label: "working tree", graph, hashes, rootDir: project.location.rootDir };
}

/**
 * "What release/1.4 brings to production": the project's migrations at `ref` (read from its git
 * repository, nothing checked out) against the working tree or `base`, and each environment's pending
 * list if the ref were deployed, from its live version table. Paths are relative to the project.
 */
export async function compareProjectAtRef(db: PrismaClient, i: { project: string; ref: string; base?: string }, opts: UrlOptions = {}): Promise<ProjectAtRef> {
  const project = await getProjectOrThrow(db, i.project);
  const constants = projectConstants(project);
  const root = projectDirOf(path.resolve(project.alembicPath));
  const relative = (t: string) => relativeText(t, root);
  let at: GraphSide, base: GraphSide;
  try {
    [at, base] = await Promise.all([readRefSide(project.alembicPath, i.ref, { constants }), i.base ? readRefSide(project.alembicPath, i.base, { constants }) : readWorkingTreeSideAsync(project.alembicPath, constants)]);
  } catch (e) {
    // git names the repository by its real path: relative to both spellings.
    if (isAppError(e)) throw new AppError(e.code, e.message, relativeText(relative(e.userMessage), fs.existsSync(root) ? fs.realpathSync(root) : root));
    throw e;
  }
  const status = await readStoredProjectStatus(db, project.name, opts);
  const reachable = status.environments.filter((e) => e.state !== "unreachable");
  const pending = pendingAgainst(
    at.graph,
    reachable.map((e) => ({ name: e.name, revisions: e.revisions })),
    i.ref,
  );
  const environments = status.environments.map((e) => pending.find((p) => p.environment === e.name) ?? { environment: e.name, applied: [], error: `${e.name} could not be read: ${e.error ?? "unreachable"}` });
  const realRoot = fs.existsSync(root) ? fs.realpathSync(root) : root;
  return {
    ref: i.ref,
    commit: at.commit!,
    ...(base.commit ? { baseCommit: base.commit } : {}),
    revisions: at.graph.revisions.size,
    heads: at.graph.heads,
    comparison: compareGraphSides(base, at),
    errors: at.graph.problems.filter((p) => p.severity === "error").map((p) => relativeText(relative(p.message), realRoot)),
    environments,
  };
}
