// POST /api/projects/:project/envs/:env/runs — request a guarded run (re-planned here; protected environments wait for approval).
// GET — the environment's recent runs.
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { runErrorResponse } from "@/lib/runs/run-error-response";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { submitRun } from "@/lib/runs/submit-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const POST = withRole<{ project: string; env: string }>(
  "runs.request",
  async (req, { params, actor }) => {
    try {
      const { project, env } = await params;
      const request = ZRunRequestSchema.parse(await readJsonBody(req));
      const r = await submitRun(await getDb(), { project, environment: env, actor, request }, { key: getSecretKey() });
      return Response.json({ runId: r.runId, status: r.status, gates: r.gates }, { status: 202, headers: { "cache-control": "no-store" } });
    } catch (e) {
      return runErrorResponse(e);
    }
  },
);

export const GET = withRole<{ project: string; env: string }>("status.read", async (_req, { params, actor }) => {
  const { project, env } = await params;
  const db = await getDb();
  await refreshStaleRequests(db, { project, environment: env }, { key: getSecretKey(), noticedBy: actor.email });
  const runs = await listRuns(db, { project, environment: env, limit: 50 });
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});
