import { notFound } from "next/navigation";
import { RunLive } from "@/components/runs/run-live";
import { canApprove } from "@/lib/auth/can-approve";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getRunOrThrow } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { mayCancelRun } from "@/lib/runs/may-cancel-run";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { requirePageActor } from "@/lib/server/require-page-actor";

export const dynamic = "force-dynamic";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePageActor(`/runs/${encodeURIComponent(id)}`);
  const db = await getDb();
  // A request whose environment moved since is shown as stale, with where it moved.
  await refreshStaleRequests(db, { runIds: [id] }, { key: getSecretKey(), noticedBy: actor.email });
  let found;
  try {
    found = await getRunOrThrow(db, id);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const { approvers, ...run } = found;
  const mayDecide = run.status === "awaiting_approval" && canApprove(actor, { approvers }) && run.requestedBy.id !== actor.userId;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Run {run.id.slice(0, 8)}</h1>
      <RunLive initial={run} mayDecide={mayDecide} mayCancel={mayCancelRun(actor, { status: run.status, requestedById: run.requestedBy.id })} />
    </div>
  );
}
