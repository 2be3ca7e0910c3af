// POST /api/projects/:project/envs/:env/baseline — record the environment's schema now as its baseline (audited).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { appUrlOptions } from "@/lib/drift-service/project-context";
import { takeBaseline } from "@/lib/drift-service/take-baseline";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>("drift.baseline", async (_req, { params, actor }) => {
  const { project, env } = await params;
  const baseline = await takeBaseline(await getDb(), { project, environment: env, source: "manual", actor }, appUrlOptions());
  return Response.json({ baseline }, { status: 201, headers: { "cache-control": "no-store" } });
});
