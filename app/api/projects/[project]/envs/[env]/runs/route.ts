// POST /api/projects/:project/envs/:env/runs — request a guarded run (re-planned here; protected environments wait for approval).
// GET — the environment's recent runs.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/runs/get-run";
import { runErrorResponse } from "@/lib/runs/run-error-response";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { submitRun } from "@/lib/runs/submit-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>(
  ["release_manager", "admin"],
  async (req, { params, actor }) => {
    try {
      const { project, env } = await params;
      const request = ZRunRequestSchema.parse(await req.json());
      const r = await submitRun(await getDb(), { project, environment: env, actor, request }, { key: getSecretKey() });
      return Response.json({ runId: r.runId, status: r.status, gates: r.gates }, { status: 202, headers: { "cache-control": "no-store" } });
    } catch (e) {
      return runErrorResponse(e);
    }
  },
  { scope: "runs:request" },
);

export const GET = withRole<{ project: string; env: string }>("any", async (_req, { params }) => {
  const { project, env } = await params;
  const runs = await listRuns(await getDb(), { project, environment: env, limit: 50 });
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});
