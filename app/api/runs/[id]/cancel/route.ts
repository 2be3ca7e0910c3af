// POST /api/runs/:id/cancel — cancel a run with a reason: an admin or its requester while it awaits approval or is queued; an admin or release manager asks a running run to stop.
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { cancelRun, ZCancelRunSchema } from "@/lib/runs/cancel-run";

export const dynamic = "force-dynamic";

// Who may cancel which run is decided per run in cancelRun (mayCancelRun); only those who may
// request runs can ever qualify, and a token needs "runs:request": withdrawing is part of requesting.
export const POST = withRole<{ id: string }>(
  "runs.request",
  async (req, { params, actor }) => {
    const { id } = await params;
    const { reason } = ZCancelRunSchema.parse(await req.json());
    const r = await cancelRun(await getDb(), { runId: id, actor, reason });
    return Response.json(r, { status: r.status === "cancelled" ? 200 : 202, headers: { "cache-control": "no-store" } });
  },
);
