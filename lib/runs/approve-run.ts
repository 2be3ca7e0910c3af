import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { canApprove } from "@/lib/auth/can-approve";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { GateResult } from "@/lib/gates/types";
import { DECIDED_BY, decideRun, notAwaitingError } from "@/lib/runs/decide-run";
import { markRequestStale, markStaleRequests } from "@/lib/runs/mark-stale-requests";
import { describeReviewedFilesChange } from "@/lib/runner/reviewed-files";
import { prepareRun, type PlanRunOptions } from "@/lib/runs/plan-run";
import { startRun } from "@/lib/runs/start-run";
import { asStrings, sameSet } from "@/lib/revision-lists";

/** Who may decide this run: not its requester, and only a release manager/admin on the approver list. */
async function loadDecidableRun(db: PrismaClient, runId: string, actor: Actor, verb: "approve" | "reject") {
  const run = await db.run.findUnique({ where: { id: runId }, include: { environment: true, project: { select: { name: true } }, requestedBy: true, ...DECIDED_BY } });
  if (!run) throw new AppError("not-found", `run ${runId} not found`, `Run ${runId} does not exist.`);
  if (run.status === "stale" && verb === "approve") {
    // Someone tried to approve a request that can never run: say why, and keep the attempt on record.
    await recordAudit(db, {
      actor,
      action: "run.approve-refused",
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: run.environment.name,
      runId: run.id,
      toRevision: run.target,
      outcome: "stale",
      details: { reason: run.errorTail },
    });
  }
  if (run.status !== "awaiting_approval") throw notAwaitingError(run);
  // Refused decisions are kept on record: a self-approval is someone trying to pass the two-person rule alone.
  const refused = (rule: "two-person" | "approvers", reason: string) =>
    recordAudit(db, {
      actor,
      action: `run.${verb}-refused`,
      projectId: run.projectId,
      environmentId: run.environmentId,
      environment: run.environment.name,
      runId: run.id,
      toRevision: run.target,
      outcome: "refused",
      details: { rule, reason },
    });
  if (verb === "approve" && run.requestedById === actor.userId) {
    const reason = `You requested this run, so you cannot approve it too: ${run.environment.name} needs a second person. Ask another release manager or admin to approve it.`;
    await refused("two-person", reason);
    throw new AppError("forbidden", `requester ${actor.email} tried to approve own run ${runId}`, reason);
  }
  if (!canApprove(actor, run.environment)) {
    const list = run.environment.approvers;
    const reason = list.length
      ? `Only ${list.join(", ")} may ${verb} runs on ${run.environment.name}. Ask one of them, or an admin to add you to its approvers.`
      : actor.kind === "token" && (actor.role === "release_manager" || actor.role === "admin")
        ? `This API token lacks the "runs:approve" scope.`
        : `Only release managers and admins may ${verb} runs.`;
    await refused("approvers", reason);
    throw new AppError("forbidden", `${actor.email} may not ${verb} runs on ${run.environment.name}`, reason);
  }
  return run;
}

/**
 * Approves an awaiting run: re-plans it from the environment's state NOW (it may have moved since
 * the request), re-evaluates every gate with the approver, and starts it in this process.
 * Refused when the environment moved since the request: the SQL that was reviewed would not be
 * what runs, so the request is marked stale (audited) and the approver told where it moved.
 * Race-safe: the move to `queued` is conditional on `awaiting_approval` (decideRun), so of several
 * approvers clicking at once exactly one wins and the others are told who approved it.
 */
export async function approveRun(db: PrismaClient, i: { runId: string; actor: Actor }, opts: PlanRunOptions = {}): Promise<{ status: "queued"; gates: GateResult[] }> {
  const run = await loadDecidableRun(db, i.runId, i.actor, "approve");
  // A stamp never waits for approval (it is created queued); nothing to re-plan.
  if (run.kind === "stamp") throw new AppError("conflict", `run ${run.id} is a stamp`, `Run ${run.id} is a stamp, which needs no approval.`);
  const requester = run.requestedBy;
  // The requester's confirmations, as they passed at request time: the typed name, the revisions
  // named for a destructive downgrade, the migrations acknowledged as not previewed, the drift
  // override (judged with the requester's role).
  const stored = Array.isArray(run.gates) ? (run.gates as unknown as GateResult[]) : [];
  const named = asStrings((stored.find((g) => g.id === "downgrade-safety")?.details as { required?: unknown } | undefined)?.required);
  // Only what the requester actually typed for a partial SQL preview; if the preview now stops
  // somewhere else, the gate asks again and the approval is refused.
  const acknowledged = asStrings((stored.find((g) => g.id === "preview-complete")?.details as { acknowledged?: unknown } | undefined)?.acknowledged);
  const prepared = await prepareRun(
    db,
    {
      project: run.project.name,
      environment: run.environment.name,
      kind: run.kind,
      target: run.target,
      pinnedTarget: run.kind === "promotion" ? run.target : undefined,
      actor: { kind: "user", userId: requester.id, email: requester.email, name: requester.name, role: requester.role },
      inputs: {
        typedConfirmation: run.environment.name,
        destructiveConfirmation: named,
        previewAcknowledgement: acknowledged,
        driftOverrideReason: run.driftOverride ?? undefined,
      },
    },
    opts,
  );
  if (!sameSet(run.fromRevisions, prepared.plan.from)) {
    // The environment moved: the reviewed SQL is not what would run. The request becomes stale
    // (audited with the change); if someone else decided it meanwhile, say that instead.
    const marked = await markStaleRequests(db, {
      environment: { id: run.environmentId, name: run.environment.name, projectId: run.projectId },
      current: prepared.plan.from,
      noticedWhen: "approve",
      noticedBy: i.actor.email,
      runIds: [run.id],
    });
    const now = await db.run.findUniqueOrThrow({ where: { id: run.id }, include: DECIDED_BY });
    if (!marked.length && now.status !== "stale") throw notAwaitingError(now);
    throw new AppError("conflict", `environment ${run.environment.name} moved since run ${run.id} was requested`, now.errorTail ?? `${run.environment.name} moved after this was requested; request again.`, {
      runId: run.id,
      status: "stale",
    });
  }
  // The same path from the same place, but are they the same files? An edit keeping the revision
  // ids would make the approver pass SQL that was never reviewed.
  const edited = describeReviewedFilesChange(run.reviewedFiles, prepared.plan.reviewedFiles, "this run was requested", "Nothing was run; request the run again.");
  if (edited) {
    const marked = await markRequestStale(db, {
      environment: { id: run.environmentId, name: run.environment.name, projectId: run.projectId },
      run,
      why: edited,
      details: { reviewedFiles: run.reviewedFiles, filesNow: prepared.plan.reviewedFiles, noticedWhen: "approve", noticedBy: i.actor.email },
    });
    if (!marked) throw notAwaitingError(await db.run.findUniqueOrThrow({ where: { id: run.id }, include: DECIDED_BY }));
    throw new AppError("conflict", `migration files of run ${run.id} changed since it was requested`, edited, { runId: run.id, status: "stale" });
  }
  if (prepared.plan.target !== run.target) {
    throw new AppError(
      "conflict",
      `target of run ${run.id} resolves differently now`,
      `This run was requested to ${run.target}, which now resolves to ${prepared.plan.target}, so the reviewed SQL is no longer what would run. Reject it and request a new run.`,
    );
  }
  const decided = await decideRun(db, { actor: i.actor, runId: run.id, decision: "approve", facts: prepared.facts, targetIds: prepared.targetIds });
  void startRun(db, run.id, { id: i.actor.userId, email: i.actor.email }, prepared.execution);
  return { status: "queued", gates: decided.gates ?? [] };
}

/** Rejects an awaiting run with a reason the requester will see. */
export async function rejectRun(db: PrismaClient, i: { runId: string; actor: Actor; reason: string }): Promise<{ status: "rejected" }> {
  await loadDecidableRun(db, i.runId, i.actor, "reject");
  await decideRun(db, { actor: i.actor, runId: i.runId, decision: "reject", reason: i.reason });
  return { status: "rejected" };
}
