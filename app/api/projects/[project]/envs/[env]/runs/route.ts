// POST /api/projects/:project/envs/:env/runs — request a guarded run (re-planned here; protected environments wait for approval).
// GET — the environment's recent runs.
import { json, route } from "@/lib/api/route";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";
import { submitRun } from "@/lib/runs/submit-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

type Params = { project: string; env: string };

export const POST = route<Params, typeof ZRunRequestSchema>("runs.request", ZRunRequestSchema, async ({ db, actor, params, body: request }) => {
  const r = await submitRun(db, { project: params.project, environment: params.env, actor, request }, { key: getSecretKey() });
  return json({ runId: r.runId, status: r.status, gates: r.gates }, 202);
});

export const GET = route<Params>("status.read", async ({ db, actor, params }) => {
  await refreshStaleRequests(db, { project: params.project, environment: params.env }, { key: getSecretKey(), noticedBy: actor.email });
  return json({ runs: await listRuns(db, { project: params.project, environment: params.env, limit: 50 }) });
});
