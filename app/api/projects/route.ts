// GET /api/projects — every project with its environments, URLs masked (any signed-in user); POST — register a project (admin, audited).
import path from "node:path";
import { z } from "zod";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { loadProject } from "@/lib/alembic/load-project";
import { createProject } from "@/lib/projects/create-project";
import { listProjects } from "@/lib/projects/list-projects";
import { ZProjectInputSchema, type TProject } from "@/lib/projects/project.types";

export const dynamic = "force-dynamic";
const noStore = { "cache-control": "no-store" };

export const GET = withRole("any", async () => Response.json({ projects: await listProjects(await getDb()) }, { headers: noStore }));

export const POST = withRole(["admin"], async (req, { actor }) => {
  const input = ZProjectInputSchema.parse(await req.json());
  const alembicPath = readableAlembicPath(input.alembicPath, input.constants);
  const project = await createProject(await getDb(), { ...input, alembicPath }, actor);
  return Response.json({ project }, { status: 201, headers: noStore });
});

/**
 * The absolute alembic path, once Cairn has read the project there; otherwise a 422 on the
 * `alembicPath` field saying what is wrong. (Same check in ./[project]/route.ts: route modules may
 * export only handlers.) Relative paths are resolved against the server's working directory and
 * stored absolute, so they do not change meaning when Cairn is started from elsewhere.
 */
function readableAlembicPath(value: string, constants: TProject["constants"]): string {
  const target = path.resolve(value);
  const refuse = (message: string) => new z.ZodError([{ code: "custom", path: ["alembicPath"], message, input: value }]);
  let loaded: ReturnType<typeof loadProject>;
  try {
    loaded = loadProject(target, { constants });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    throw refuse(isAppError(e) ? e.userMessage : `Cairn cannot read ${target}${typeof code === "string" ? ` (${code})` : ""}. Check the path and that the Cairn server may read it.`);
  }
  if (!loaded.location.configFile && loaded.scripts.length === 0) {
    throw refuse(`${target} holds no alembic.ini and no migration files Cairn could read. Point to the project's alembic.ini, the directory holding it, or its versions directory.`);
  }
  return target;
}
