// POST /api/projects/:project/envs/:env/runs/plan — what a run would do and what each gate says (no side effects).
import { json, route } from "@/lib/api/route";
import { markStaleRequests } from "@/lib/runs/mark-stale-requests";
import { planRun } from "@/lib/runs/plan-run";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; env: string }, typeof ZRunRequestSchema>("runs.request", ZRunRequestSchema, async ({ db, actor, params, body: input }) => {
  const readAt = new Date();
  const plan = await planRun(db, { project: params.project, environment: params.env, kind: input.kind, target: input.target, actor, inputs: input }, { key: getSecretKey() });
  // The version table was just read: a request still waiting from another state is stale now.
  const { projectId } = await db.environment.findUniqueOrThrow({ where: { id: plan.environment.id }, select: { projectId: true } });
  await markStaleRequests(db, {
    environment: { id: plan.environment.id, name: plan.environment.name, projectId },
    current: plan.from,
    noticedWhen: "plan",
    noticedBy: actor.email,
    requestedBefore: readAt,
  });
  return json(plan);
});
