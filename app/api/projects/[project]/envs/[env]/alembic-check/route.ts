// POST /api/projects/:project/envs/:env/alembic-check — run `alembic check` (Alembic 1.9+) against the environment.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { runAlembicCheck } from "@/lib/drift-service/run-alembic-check";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; env: string }>("alembic.check", async ({ db, actor, params }) => json(await runAlembicCheck(db, { project: params.project, environment: params.env, actor }, serverUrlOptions())));
