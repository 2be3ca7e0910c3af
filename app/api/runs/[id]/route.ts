// GET /api/runs/:id — a run with its gates, SQL preview and outcome, and whether the reader may decide or cancel it (any signed-in user; no credentials).
import { withRole } from "@/lib/auth/with-role";
import { canApprove } from "@/lib/auth/can-approve";
import { getDb } from "@/lib/db/client";
import { getRunOrThrow } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { mayCancelRun } from "@/lib/runs/may-cancel-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = withRole<{ id: string }>("status.read", async (_req, { params, actor }) => {
  const { id } = await params;
  const db = await getDb();
  // A request waiting from a state its environment has left is shown as stale, never as approvable.
  await refreshStaleRequests(db, { runIds: [id] }, { key: getSecretKey(), noticedBy: actor.email });
  const { approvers, ...run } = await getRunOrThrow(db, id);
  const mayDecide = run.status === "awaiting_approval" && canApprove(actor, { approvers }) && run.requestedBy?.id !== actor.userId;
  const mayCancel = mayCancelRun(actor, { status: run.status, requestedById: run.requestedBy?.id });
  return Response.json({ run, mayDecide, mayCancel }, { headers: { "cache-control": "no-store" } });
});
