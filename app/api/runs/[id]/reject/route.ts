// POST /api/runs/:id/reject — an approver turns down an awaiting run, with a reason the requester sees.
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { rejectRun } from "@/lib/runs/approve-run";
import { ZRejectRunSchema } from "@/lib/runs/run-request.types";

export const dynamic = "force-dynamic";

export const POST = withRole<{ id: string }>(
  "runs.approve",
  async (req, { params, actor }) => {
    const { id } = await params;
    const { reason } = ZRejectRunSchema.parse(await readJsonBody(req));
    const r = await rejectRun(await getDb(), { runId: id, actor, reason });
    return Response.json({ runId: id, status: r.status }, { headers: { "cache-control": "no-store" } });
  },
);
