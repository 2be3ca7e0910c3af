// GET /api/runs/:id — a run with its gates, SQL preview and outcome (any signed-in user; no credentials).
import { withRole } from "@/lib/auth/with-role";
import { canApprove } from "@/lib/auth/can-approve";
import { getDb } from "@/lib/db/client";
import { getRunOrThrow } from "@/lib/runs/get-run";

export const dynamic = "force-dynamic";

export const GET = withRole<{ id: string }>("any", async (_req, { params, actor }) => {
  const { id } = await params;
  const { approvers, ...run } = await getRunOrThrow(await getDb(), id);
  const mayDecide = run.status === "awaiting_approval" && canApprove(actor, { approvers }) && run.requestedBy?.id !== actor.userId;
  return Response.json({ run, mayDecide }, { headers: { "cache-control": "no-store" } });
});
