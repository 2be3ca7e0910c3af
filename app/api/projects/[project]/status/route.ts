// GET /api/projects/:project/status — where each environment stands, for the overview's poll (any signed-in user).
// Pending paths come as counts and first ids; one environment's full list is GET …/envs/:env/pending.
import { json, route } from "@/lib/api/route";
import { readStoredOverviewStatus } from "@/lib/projects/read-stored-project-status";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, params }) => json(await readStoredOverviewStatus(db, params.project, { key: getSecretKey() })));
