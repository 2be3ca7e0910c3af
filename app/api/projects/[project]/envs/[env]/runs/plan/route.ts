// POST /api/projects/:project/envs/:env/runs/plan — what a run would do and what each gate says (no side effects).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { planRun } from "@/lib/runs/plan-run";
import { runErrorResponse } from "@/lib/runs/run-error-response";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>(
  ["release_manager", "admin"],
  async (req, { params, actor }) => {
    try {
      const { project, env } = await params;
      const input = ZRunRequestSchema.parse(await req.json());
      const plan = await planRun(await getDb(), { project, environment: env, kind: input.kind, target: input.target, actor, inputs: input }, { key: getSecretKey() });
      return Response.json(plan, { headers: { "cache-control": "no-store" } });
    } catch (e) {
      return runErrorResponse(e);
    }
  },
  { scope: "runs:request" },
);
