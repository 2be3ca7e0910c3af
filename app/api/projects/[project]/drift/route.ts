// GET /api/projects/:project/drift — schema drift across the project's environments, read live.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";
import { appUrlOptions } from "@/lib/drift-service/project-context";

export const dynamic = "force-dynamic";

export const GET = withRole<{ project: string }>("status.read", async (_req, { params }) => {
  const { project } = await params;
  const drift = await detectProjectDrift(await getDb(), project, appUrlOptions());
  return Response.json(drift, { headers: { "cache-control": "no-store" } });
});
