import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { readProjectStatus } from "@/lib/environments/read-project-status";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { readProjectGraphAsync } from "@/lib/alembic/read-project-graph";
import type { ProjectStatus } from "@/lib/environments/types";
import type { ReadProjectStatusOptions } from "@/lib/environments/read-project-status";
import { projectConstants } from "@/lib/projects/project-constants";

/** Status of a project registered in Cairn's store: URLs resolved (env: now, literals decrypted) on the server only. */
export async function readStoredProjectStatus(
  db: PrismaClient,
  name: string,
  opts: { key?: Buffer; env?: Record<string, string | undefined>; graph?: ReadProjectStatusOptions["graph"] } = {},
): Promise<ProjectStatus> {
  const project = await getProjectOrThrow(db, name);
  const constants = projectConstants(project);
  // Read off the event loop here, so readProjectStatus never reads a big project inline.
  const graph =
    opts.graph ??
    (await readProjectGraphAsync(project.alembicPath, { constants }).then(({ project: loaded, graph: g }) => ({ graph: g, rootDir: loaded.location.rootDir })));
  return readProjectStatus({
    name: project.name,
    alembicPath: project.alembicPath,
    constants,
    environments: project.environments.map((e) => ({
      name: e.name,
      url: resolveEnvironmentUrl(e, { key: opts.key, env: opts.env }),
      versionTable: e.versionTable,
      versionTableSchema: e.versionTableSchema,
      timeoutMs: e.timeoutMs,
    })),
  }, { graph });
}
