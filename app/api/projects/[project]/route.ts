// GET /api/projects/:project — one project, URLs masked (any signed-in user); PATCH / DELETE — change or remove it (admin, audited).
import { json, route } from "@/lib/api/route";
import { checkAlembicPath } from "@/lib/projects/check-alembic-path";
import { deleteProject } from "@/lib/projects/delete-project";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicProject } from "@/lib/projects/to-public-environment";
import { updateProject } from "@/lib/projects/update-project";
import { ZProjectUpdateSchema } from "@/lib/projects/project.types";

export const dynamic = "force-dynamic";

type Params = { project: string };

export const GET = route<Params>("status.read", async ({ db, params }) => json({ project: toPublicProject(await getProjectOrThrow(db, params.project)) }));

export const PATCH = route<Params, typeof ZProjectUpdateSchema>("projects.manage", ZProjectUpdateSchema, async ({ db, actor, params, body: input }) => {
  if (input.alembicPath !== undefined || input.constants !== undefined) {
    const stored = toPublicProject(await getProjectOrThrow(db, params.project));
    // A config-declared project is refused by updateProject with its own message; skip reading its path.
    if (stored.source !== "config") {
      const checked = await checkAlembicPath(db, input.alembicPath ?? stored.alembicPath, input.constants ?? stored.constants, actor);
      if (input.alembicPath !== undefined) input.alembicPath = checked;
    }
  }
  return json({ project: await updateProject(db, params.project, input, actor) });
});

export const DELETE = route<Params>("projects.manage", async ({ db, actor, params }) => {
  await deleteProject(db, params.project, actor);
  return json({ deleted: params.project });
});
