import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, describeRefusal } from "@/lib/gates/evaluate-gates";
import { evaluateRunGates } from "@/lib/runs/evaluate-run-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";

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

/**
 * Approves (→ queued, after re-checking every gate with the approver) or rejects an awaiting run.
 * The status change is conditional on `awaiting_approval`, so two approvers racing cannot both win.
 */
export async function decideRun(db: PrismaClient, i: DecideRunInput): Promise<{ status: string; gates?: GateResult[] }> {
  const run = await db.run.findUnique({ where: { id: i.runId }, include: { environment: { select: { name: true } } } });
  if (!run) throw new AppError("not-found", `run ${i.runId} not found`, `Run ${i.runId} does not exist.`);
  if (run.status !== "awaiting_approval") {
    throw new AppError("conflict", `run ${i.runId} is ${run.status}`, `Run ${i.runId} is ${run.status.replace("_", " ")}, not awaiting approval.`);
  }
  let gates: GateResult[] | undefined;
  let data: Prisma.RunUpdateManyMutationInput;
  if (i.decision === "reject") {
    const reason = i.reason?.trim();
    if (!reason) throw new AppError("validation", "reject without reason", "Say why you reject this run; the requester will see it.");
    data = { status: "rejected", rejectedById: i.actor.userId, rejectReason: reason };
  } else {
    if (!i.facts) throw new AppError("bad-request", "approve without facts", "Cairn needs the environment's current state to approve this run.");
    const requester = await db.user.findUnique({ where: { id: run.requestedById }, select: { email: true } });
    gates = evaluateRunGates({
      ...i.facts,
      requester: { userId: run.requestedById, email: requester?.email ?? run.requestedById },
      approver: { userId: i.actor.userId, email: i.actor.email, role: i.actor.role },
    }, i.targetIds);
    if (!canProceed(gates)) throw new AppError("gate-refused", `approval refused for run ${run.id}`, describeRefusal(gates), { gates });
    data = { status: "queued", approvedById: i.actor.userId, approvedAt: new Date(), gates: gates as unknown as Prisma.InputJsonValue };
  }
  await db.$transaction(async (tx) => {
    const { count } = await tx.run.updateMany({ where: { id: run.id, status: "awaiting_approval" }, data });
    if (count !== 1) throw new AppError("conflict", `run ${run.id} decided concurrently`, `Someone else decided run ${run.id} a moment ago.`);
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
  });
  return { status: i.decision === "approve" ? "queued" : "rejected", gates };
}
