// GET /api/projects/:project/drift — schema drift across the project's environments, from their stored schema readings (each with when it was read).
import { json, route } from "@/lib/api/route";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("status.read", async ({ db, params }) => json(await detectProjectDrift(db, params.project)));
