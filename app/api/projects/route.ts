// GET /api/projects — every project with its environments, URLs masked (any signed-in user); POST — register a project (admin, audited).
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { checkAlembicPath } from "@/lib/projects/check-alembic-path";
import { createProject } from "@/lib/projects/create-project";
import { listProjects } from "@/lib/projects/list-projects";
import { ZProjectInputSchema } from "@/lib/projects/project.types";

export const dynamic = "force-dynamic";
const noStore = { "cache-control": "no-store" };

export const GET = withRole("status.read", async () => Response.json({ projects: await listProjects(await getDb()) }, { headers: noStore }));

export const POST = withRole("projects.manage", async (req, { actor }) => {
  const input = ZProjectInputSchema.parse(await readJsonBody(req));
  const db = await getDb();
  const alembicPath = await checkAlembicPath(db, input.alembicPath, input.constants, actor);
  const project = await createProject(db, { ...input, alembicPath }, actor);
  return Response.json({ project }, { status: 201, headers: noStore });
});
