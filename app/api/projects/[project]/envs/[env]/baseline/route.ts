// POST /api/projects/:project/envs/:env/baseline — record the environment's schema now as its baseline (audited); on a drifted protected environment an admin override with a written reason.
import { json, route } from "@/lib/api/route";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { takeBaseline } from "@/lib/drift-service/take-baseline";
import { ZTakeBaselineSchema } from "@/lib/drift-service/take-baseline.types";

export const dynamic = "force-dynamic";

// No body is "no reason" (scripts and the CLI have always posted none).
export const POST = route<{ project: string; env: string }, typeof ZTakeBaselineSchema>("drift.baseline", { schema: ZTakeBaselineSchema, emptyIsObject: true }, async ({ db, actor, params, body }) =>
  json({ baseline: await takeBaseline(db, { project: params.project, environment: params.env, source: "manual", actor, reason: body.reason }, serverUrlOptions()) }, 201),
);
