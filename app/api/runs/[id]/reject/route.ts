// POST /api/runs/:id/reject — an approver turns down an awaiting run, with a reason the requester sees.
import { json, route } from "@/lib/api/route";
import { rejectRun } from "@/lib/runs/approve-run";
import { ZRejectRunSchema } from "@/lib/runs/run-request.types";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof ZRejectRunSchema>("runs.approve", ZRejectRunSchema, async ({ db, actor, params, body }) => {
  const r = await rejectRun(db, { runId: params.id, actor, reason: body.reason });
  return json({ runId: params.id, status: r.status });
});
