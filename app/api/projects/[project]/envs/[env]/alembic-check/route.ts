// POST /api/projects/:project/envs/:env/alembic-check — run `alembic check` (Alembic 1.9+) against the environment.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { appUrlOptions } from "@/lib/drift-service/project-context";
import { runAlembicCheck } from "@/lib/drift-service/run-alembic-check";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>("alembic.check", async (_req, { params, actor }) => {
  const { project, env } = await params;
  const result = await runAlembicCheck(await getDb(), { project, environment: env, actor }, appUrlOptions());
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
