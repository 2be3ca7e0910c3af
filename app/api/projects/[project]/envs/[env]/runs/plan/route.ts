// POST /api/projects/:project/envs/:env/runs/plan — what a run would do and what each gate says (no side effects).
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { markStaleRequests } from "@/lib/runs/mark-stale-requests";
import { planRun } from "@/lib/runs/plan-run";
import { runErrorResponse } from "@/lib/runs/run-error-response";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>(
  "runs.request",
  async (req, { params, actor }) => {
    try {
      const { project, env } = await params;
      const input = ZRunRequestSchema.parse(await readJsonBody(req));
      const db = await getDb();
      const readAt = new Date();
      const plan = await planRun(db, { project, environment: env, kind: input.kind, target: input.target, actor, inputs: input }, { key: getSecretKey() });
      // The version table was just read: a request still waiting from another state is stale now.
      const { projectId } = await db.environment.findUniqueOrThrow({ where: { id: plan.environment.id }, select: { projectId: true } });
      await markStaleRequests(db, {
        environment: { id: plan.environment.id, name: plan.environment.name, projectId },
        current: plan.from,
        noticedWhen: "plan",
        noticedBy: actor.email,
        requestedBefore: readAt,
      });
      return Response.json(plan, { headers: { "cache-control": "no-store" } });
    } catch (e) {
      return runErrorResponse(e);
    }
  },
);
