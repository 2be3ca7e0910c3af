import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, describeRefusal } from "@/lib/gates/evaluate-gates";
import { evaluateRunGates } from "@/lib/gates/evaluate-run-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";
import { formatUtc } from "@/lib/format-utc";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

export interface DecideRunInput {
  actor: Actor;
  runId: string;
  decision: "approve" | "reject";
  /** Required for a rejection. */
  reason?: string;
  /** Facts re-gathered now (state may have moved since the request); requester/approver are filled in here. */
  facts?: Omit<GateFacts, "requester" | "approver">;
  /** Every revision the target names, when several; each is judged. */
  targetIds?: string[];
}

/** What notAwaitingError needs besides the run's own columns: who approved or rejected it. */
export const DECIDED_BY = { approvedBy: { select: { email: true } }, rejectedBy: { select: { email: true } } } as const;

type RunForMessage = {
  id: string;
  status: string;
  approvedBy: { email: string } | null;
  approvedAt: Date | null;
  rejectedBy: { email: string } | null;
  rejectReason: string | null;
  cancelRequestedBy: string | null;
  cancelReason: string | null;
  errorTail: string | null;
};

const at = (d: Date | null) => (d ? ` at ${formatUtc(d)}` : "");

/**
 * Why a run can no longer be approved or rejected, in plain words: who approved or rejected it
 * (the loser of two approvers clicking at once learns who won), why it went stale, who cancelled it.
 */
export function notAwaitingError(run: RunForMessage): AppError {
  const status = run.status.replace("_", " ");
  let message: string;
  if (run.status === "stale") message = run.errorTail ?? `Run ${run.id} is stale: its environment moved after it was requested; request again.`;
  else if (run.status === "rejected") message = `Run ${run.id} was already rejected by ${run.rejectedBy?.email ?? "someone"}${run.rejectReason ? `: ${run.rejectReason}` : "."}`;
  else if (run.status === "cancelled" && run.cancelRequestedBy) message = `Run ${run.id} was cancelled by ${run.cancelRequestedBy}${run.cancelReason ? `: ${run.cancelReason}` : "."}`;
  else if (run.approvedBy) message = `Run ${run.id} was already approved by ${run.approvedBy.email}${at(run.approvedAt)}; it is ${status} now.`;
  else message = `Run ${run.id} is ${status}, not awaiting approval.`;
  return new AppError("conflict", `run ${run.id} is ${run.status}`, message, { runId: run.id, status: run.status });
}

/**
 * Approves (→ queued, after re-checking every gate with the approver) or rejects an awaiting run.
 * The status change is conditional on `awaiting_approval`, so two approvers racing cannot both win;
 * it commits with its audit row and its webhook event (run.approved or run.rejected).
 */
export async function decideRun(db: PrismaClient, i: DecideRunInput): Promise<{ status: string; gates?: GateResult[] }> {
  const run = await db.run.findUnique({ where: { id: i.runId }, include: { environment: { select: { name: true } }, requestedBy: { select: { email: true } }, ...DECIDED_BY } });
  if (!run) throw new AppError("not-found", `run ${i.runId} not found`, `Run ${i.runId} does not exist.`);
  if (run.status !== "awaiting_approval") throw notAwaitingError(run);
  let gates: GateResult[] | undefined;
  let data: Prisma.RunUncheckedUpdateManyInput;
  if (i.decision === "reject") {
    const reason = i.reason?.trim();
    if (!reason) throw new AppError("validation", "reject without reason", "Say why you reject this run; the requester will see it.");
    data = { status: "rejected", rejectedById: i.actor.userId, rejectReason: reason };
  } else {
    if (!i.facts) throw new AppError("bad-request", "approve without facts", "Cairn needs the environment's current state to approve this run.");
    gates = evaluateRunGates(
      {
        ...i.facts,
        requester: { userId: run.requestedById, email: run.requestedBy.email },
        approver: { userId: i.actor.userId, email: i.actor.email, role: i.actor.role },
      },
      i.targetIds,
    );
    if (!canProceed(gates)) throw new AppError("gate-refused", `approval refused for run ${run.id}`, describeRefusal(gates), { gates });
    data = { status: "queued", approvedById: i.actor.userId, approvedAt: new Date(), gates: gates as unknown as Prisma.InputJsonValue };
  }
  const decided = await db.$transaction(async (tx) => {
    const { count } = await tx.run.updateMany({ where: { id: run.id, status: "awaiting_approval" }, data });
    if (count !== 1) return false;
    await recordAudit(tx, {
      actor: i.actor,
      action: i.decision === "approve" ? "run.approve" : "run.reject",
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: run.environment.name,
      runId: run.id,
      toRevision: run.target,
      outcome: i.decision === "approve" ? "queued" : "rejected",
      details: i.reason ? { reason: i.reason } : {},
    });
    await emitRunEvent(tx, i.decision === "approve" ? "run.approved" : "run.rejected", run.id, { actor: i.actor.email, reason: i.decision === "reject" ? i.reason : null });
    return true;
  });
  // Another approver (or a reject, a cancel, a stale check) got there first: say who and what.
  if (!decided) throw notAwaitingError(await db.run.findUniqueOrThrow({ where: { id: run.id }, include: DECIDED_BY }));
  return { status: i.decision === "approve" ? "queued" : "rejected", gates };
}
