// POST /api/projects/:project/envs/:env/test — "Test connection": read the version table once and say in plain words where it stands (admin; never returns the URL).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { testEnvironmentConnection } from "@/lib/projects/test-environment-connection";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>("projects.manage", async (_req, { params }) => {
  const { project, env } = await params;
  return Response.json(await testEnvironmentConnection(await getDb(), project, env), { headers: { "cache-control": "no-store" } });
});
