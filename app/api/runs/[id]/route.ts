// GET /api/runs/:id — a run with its gates, SQL preview and outcome, and whether the reader may decide or cancel it (any signed-in user; no credentials).
import { json, route } from "@/lib/api/route";
import { canApprove } from "@/lib/auth/can-approve";
import { getRunOrThrow } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { mayCancelRun } from "@/lib/runs/may-cancel-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("status.read", async ({ db, actor, params }) => {
  // A request waiting from a state its environment has left is shown as stale, never as approvable.
  await refreshStaleRequests(db, { runIds: [params.id] }, { key: getSecretKey(), noticedBy: actor.email });
  const { approvers, ...run } = await getRunOrThrow(db, params.id);
  const mayDecide = run.status === "awaiting_approval" && canApprove(actor, { approvers }) && run.requestedBy.id !== actor.userId;
  const mayCancel = mayCancelRun(actor, { status: run.status, requestedById: run.requestedBy.id });
  return json({ run, mayDecide, mayCancel });
});
