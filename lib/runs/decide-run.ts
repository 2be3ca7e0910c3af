import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, describeRefusal } from "@/lib/gates/evaluate-gates";
import { evaluateRunGates } from "@/lib/gates/evaluate-run-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";
import { formatUtc } from "@/lib/format-utc";

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

type RunForMessage = {
  id: string;
  status: string;
  approvedById: string | null;
  approvedAt: Date | null;
  rejectedById: string | null;
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
export async function notAwaitingError(db: PrismaClient, run: RunForMessage): Promise<AppError> {
  const email = async (id: string | null) => (id ? ((await db.user.findUnique({ where: { id }, select: { email: true } }))?.email ?? "a deleted user") : "someone");
  const status = run.status.replace("_", " ");
  let message: string;
  if (run.status === "stale") message = run.errorTail ?? `Run ${run.id} is stale: its environment moved after it was requested; request again.`;
  else if (run.status === "rejected") message = `Run ${run.id} was already rejected by ${await email(run.rejectedById)}${run.rejectReason ? `: ${run.rejectReason}` : "."}`;
  else if (run.status === "cancelled" && run.cancelRequestedBy) message = `Run ${run.id} was cancelled by ${run.cancelRequestedBy}${run.cancelReason ? `: ${run.cancelReason}` : "."}`;
  else if (run.approvedById) message = `Run ${run.id} was already approved by ${await email(run.approvedById)}${at(run.approvedAt)}; it is ${status} now.`;
  else message = `Run ${run.id} is ${status}, not awaiting approval.`;
  return new AppError("conflict", `run ${run.id} is ${run.status}`, message, { runId: run.id, status: run.status });
}

/**
 * Approves (→ queued, after re-checking every gate with the approver) or rejects an awaiting run.
 * The status change is conditional on `awaiting_approval`, so two approvers racing cannot both win.
 */
export async function decideRun(db: PrismaClient, i: DecideRunInput): Promise<{ status: string; gates?: GateResult[] }> {
  const run = await db.run.findUnique({ where: { id: i.runId }, include: { environment: { select: { name: true } } } });
  if (!run) throw new AppError("not-found", `run ${i.runId} not found`, `Run ${i.runId} does not exist.`);
  if (run.status !== "awaiting_approval") throw await notAwaitingError(db, run);
  let gates: GateResult[] | undefined;
  let data: Prisma.RunUncheckedUpdateManyInput;
  if (i.decision === "reject") {
    const reason = i.reason?.trim();
    if (!reason) throw new AppError("validation", "reject without reason", "Say why you reject this run; the requester will see it.");
    data = { status: "rejected", rejectedById: i.actor.userId, rejectReason: reason };
  } else {
    if (!i.facts) throw new AppError("bad-request", "approve without facts", "Cairn needs the environment's current state to approve this run.");
    const requester = await db.user.findUnique({ where: { id: run.requestedById }, select: { email: true } });
    gates = evaluateRunGates(
      {
        ...i.facts,
        requester: { userId: run.requestedById, email: requester?.email ?? run.requestedById },
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
    return true;
  });
  // Another approver (or a reject, a cancel, a stale check) got there first: say who and what.
  if (!decided) throw await notAwaitingError(db, await db.run.findUniqueOrThrow({ where: { id: run.id } }));
  return { status: i.decision === "approve" ? "queued" : "rejected", gates };
}
