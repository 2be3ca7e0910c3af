// GET /api/projects/:project/status — where each environment stands, for polling (any signed-in user).
import { json, route } from "@/lib/api/route";
import { readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, params }) => json(await readStoredProjectStatus(db, params.project, { key: getSecretKey() })));
