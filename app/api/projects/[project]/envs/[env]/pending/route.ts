// GET /api/projects/:project/envs/:env/pending — every revision `upgrade heads` would apply here, in order,
// read live; what the overview loads when a pending list is opened (any signed-in user).
import { json, route } from "@/lib/api/route";
import { readStoredPendingList } from "@/lib/projects/read-stored-project-status";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string; env: string }>("status.read", async ({ db, params }) => json(await readStoredPendingList(db, params.project, params.env, { key: getSecretKey() })));
