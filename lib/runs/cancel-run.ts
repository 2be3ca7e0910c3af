import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { mayCancelRun } from "@/lib/runs/may-cancel-run";
import { formatUtc } from "@/lib/format-utc";
import { isOpenRunStatus } from "@/lib/runs/run-request.types";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

export { ZCancelRunSchema, type TCancelRun } from "@/lib/runs/run-request.types";

export type CancelRunResult = { runId: string; status: "cancelled" | "cancel-requested" };

/**
 * Cancels a run, with a written reason.
 * - awaiting approval or queued → `cancelled` at once (an admin, or its requester withdrawing it);
 * - running → the cancel is only requested (cancelRequestedAt/By/Reason; an admin or a release
 *   manager): the instance executing it watches those columns and stops Alembic, then records the
 *   outcome.
 * Every change is conditional on the status it was read in and commits with its audit row (and a
 * cancelled run with its run.cancelled webhook event; a running one's comes when it stops), so a
 * run that started, finished or was decided meanwhile is never overwritten: a queued run that
 * started a moment ago is asked to stop instead; anything else is a clear conflict.
 */
export async function cancelRun(db: PrismaClient, i: { runId: string; actor: Actor; reason: string }): Promise<CancelRunResult> {
  const reason = i.reason.trim();
  if (!reason) throw new AppError("validation", "cancel without reason", "Say why you cancel this run (reason).");
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = await db.run.findUnique({ where: { id: i.runId }, include: { environment: { select: { name: true } }, requestedBy: { select: { email: true } } } }).catch(() => null);
    if (!run) throw new AppError("not-found", `run ${i.runId} not found`, `Run ${i.runId} does not exist.`);
    const what = `run ${run.id} (${run.kind} to ${run.target} on ${run.environment.name})`;

    if (!isOpenRunStatus(run.status)) {
      const detail = run.status === "cancelled" && run.cancelRequestedBy ? ` by ${run.cancelRequestedBy}${run.cancelReason ? `: ${run.cancelReason}` : ""}` : "";
      throw new AppError("conflict", `cancel of ${run.status} run ${run.id}`, `Nothing to cancel: ${what} is ${run.status.replace("_", " ")}${detail}. Only runs awaiting approval, queued or running can be cancelled.`, {
        runId: run.id,
        status: run.status,
      });
    }
    if (!mayCancelRun(i.actor, run)) {
      throw new AppError(
        "forbidden",
        `${i.actor.email} may not cancel ${run.status} run ${run.id}`,
        run.status === "running"
          ? `Only a release manager or an admin may stop a running run. Ask one of them to cancel ${what}.`
          : `Only an admin or ${run.requestedBy.email} who requested it may cancel it while it waits. Ask them, or reject it if you are an approver.`,
      );
    }
    const audit = {
      actor: i.actor,
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: run.environment.name,
      runId: run.id,
      fromRevision: run.fromRevisions.join(",") || null,
      toRevision: run.target,
    };

    if (run.status === "running") {
      if (run.cancelRequestedAt) {
        throw new AppError(
          "conflict",
          `cancel of run ${run.id} already requested`,
          `${what} was already asked to stop by ${run.cancelRequestedBy ?? "someone"} at ${formatUtc(run.cancelRequestedAt)}${run.cancelReason ? ` (${run.cancelReason})` : ""}; Cairn is stopping it.`,
          { runId: run.id },
        );
      }
      const done = await db.$transaction(async (tx) => {
        const { count } = await tx.run.updateMany({
          where: { id: run.id, status: "running", cancelRequestedAt: null },
          data: { cancelRequestedAt: new Date(), cancelRequestedBy: i.actor.email, cancelReason: reason },
        });
        if (count !== 1) return false;
        await recordAudit(tx, { ...audit, action: "run.cancel-requested", outcome: "cancel-requested", details: { reason } });
        return true;
      });
      if (done) return { runId: run.id, status: "cancel-requested" };
      continue; // it finished or was asked to stop meanwhile: read it again and say so
    }

    const done = await db.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.run.updateMany({
        where: { id: run.id, status: run.status },
        data: { status: "cancelled", finishedAt: now, cancelRequestedAt: now, cancelRequestedBy: i.actor.email, cancelReason: reason },
      });
      if (count !== 1) return false;
      await recordAudit(tx, { ...audit, action: "run.cancel", outcome: "cancelled", details: { reason, was: run.status } });
      await emitRunEvent(tx, "run.cancelled", run.id, { actor: i.actor.email, reason });
      return true;
    });
    if (done) return { runId: run.id, status: "cancelled" };
    // It moved on meanwhile (approved, started, decided): read it again and act on what it is now.
  }
  throw new AppError("conflict", `run ${i.runId} kept changing during cancel`, `Run ${i.runId} changed while Cairn was cancelling it. Reload the page and try again.`);
}
