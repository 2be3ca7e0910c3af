// GET /api/projects/:project — one project, URLs masked (any signed-in user); PATCH / DELETE — change or remove it (admin, audited).
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { checkAlembicPath } from "@/lib/projects/check-alembic-path";
import { deleteProject } from "@/lib/projects/delete-project";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicProject } from "@/lib/projects/to-public-environment";
import { updateProject } from "@/lib/projects/update-project";
import { ZProjectUpdateSchema } from "@/lib/projects/project.types";

export const dynamic = "force-dynamic";
const noStore = { "cache-control": "no-store" };
type Params = { project: string };

export const GET = withRole<Params>("status.read", async (_req, { params }) => {
  const { project } = await params;
  return Response.json({ project: toPublicProject(await getProjectOrThrow(await getDb(), project)) }, { headers: noStore });
});

export const PATCH = withRole<Params>("projects.manage", async (req, { params, actor }) => {
  const { project: name } = await params;
  const input = ZProjectUpdateSchema.parse(await readJsonBody(req));
  const db = await getDb();
  if (input.alembicPath !== undefined || input.constants !== undefined) {
    const stored = toPublicProject(await getProjectOrThrow(db, name));
    // A config-declared project is refused by updateProject with its own message; skip reading its path.
    if (stored.source !== "config") {
      const checked = await checkAlembicPath(db, input.alembicPath ?? stored.alembicPath, input.constants ?? stored.constants, actor);
      if (input.alembicPath !== undefined) input.alembicPath = checked;
    }
  }
  const project = await updateProject(db, name, input, actor);
  return Response.json({ project }, { headers: noStore });
});

export const DELETE = withRole<Params>("projects.manage", async (_req, { params, actor }) => {
  const { project } = await params;
  await deleteProject(await getDb(), project, actor);
  return Response.json({ deleted: project }, { headers: noStore });
});
