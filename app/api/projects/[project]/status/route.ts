// GET /api/projects/:project/status — where each environment stands, for polling (any signed-in user).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = withRole<{ project: string }>("status.read", async (_req, { params }) => {
  const { project } = await params;
  const status = await readStoredProjectStatus(await getDb(), project, { key: getSecretKey() });
  return Response.json(status, { headers: { "cache-control": "no-store" } });
});
