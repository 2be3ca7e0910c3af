// POST /api/projects/:project/envs/:env/baseline — record the environment's schema now as its baseline (audited); on a drifted protected environment an admin override with a written reason.
import { withRole } from "@/lib/auth/with-role";
import { readBodyText } from "@/lib/api/read-json-body";
import { getDb } from "@/lib/db/client";
import { appUrlOptions } from "@/lib/drift-service/project-context";
import { takeBaseline } from "@/lib/drift-service/take-baseline";
import { ZTakeBaselineSchema } from "@/lib/drift-service/take-baseline.types";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>("drift.baseline", async (req, { params, actor }) => {
  const { project, env } = await params;
  // No body is "no reason" (scripts and the CLI have always posted none).
  const text = await readBodyText(req);
  const input = ZTakeBaselineSchema.parse(text.trim() ? JSON.parse(text) : {});
  const baseline = await takeBaseline(await getDb(), { project, environment: env, source: "manual", actor, reason: input.reason }, appUrlOptions());
  return Response.json({ baseline }, { status: 201, headers: { "cache-control": "no-store" } });
});
