// POST /api/projects/:project/envs/:env/stamp — set the environment's version table to chosen revisions without running migrations (alembic stamp), guarded and audited.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { stampEnvironment } from "@/lib/runs/stamp-environment";
import { ZStampRequestSchema } from "@/lib/runs/stamp-request.types";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; env: string }, typeof ZStampRequestSchema>("runs.stamp", ZStampRequestSchema, async ({ db, actor, params, body }) => {
  const result = await stampEnvironment(db, { project: params.project, environment: params.env, actor, request: body }, serverUrlOptions());
  // A stamp that ran answers 200 whatever its outcome (the body says it); refusals are errors.
  return json(result);
});
