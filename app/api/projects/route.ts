// GET /api/projects — every project with its environments, URLs masked (any signed-in user); POST — register a project (admin, audited).
import { json, route } from "@/lib/api/route";
import { checkAlembicPath } from "@/lib/projects/check-alembic-path";
import { createProject } from "@/lib/projects/create-project";
import { listProjects } from "@/lib/projects/list-projects";
import { ZProjectInputSchema } from "@/lib/projects/project.types";

export const dynamic = "force-dynamic";

export const GET = route("status.read", async ({ db }) => json({ projects: await listProjects(db) }));

export const POST = route<Record<string, never>, typeof ZProjectInputSchema>("projects.manage", ZProjectInputSchema, async ({ db, actor, body: input }) => {
  const alembicPath = await checkAlembicPath(db, input.alembicPath, input.constants, actor);
  return json({ project: await createProject(db, { ...input, alembicPath }, actor) }, 201);
});
