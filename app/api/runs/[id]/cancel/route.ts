// POST /api/runs/:id/cancel — cancel a run with a reason: an admin or its requester while it awaits approval or is queued; an admin or release manager asks a running run to stop.
import { json, route } from "@/lib/api/route";
import { cancelRun, ZCancelRunSchema } from "@/lib/runs/cancel-run";

export const dynamic = "force-dynamic";

// Who may cancel which run is decided per run in cancelRun (mayCancelRun); only those who may
// request runs can ever qualify, and a token needs "runs:request": withdrawing is part of requesting.
export const POST = route<{ id: string }, typeof ZCancelRunSchema>("runs.request", ZCancelRunSchema, async ({ db, actor, params, body }) => {
  const r = await cancelRun(db, { runId: params.id, actor, reason: body.reason });
  return json(r, r.status === "cancelled" ? 200 : 202);
});
