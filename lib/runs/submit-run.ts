import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { describeRefusal } from "@/lib/gates/evaluate-gates";
import { prepareRun, type PlanRunOptions } from "@/lib/runs/plan-run";
import { describeReviewedFilesChange } from "@/lib/runner/reviewed-files";
import { requestRun } from "@/lib/runs/request-run";
import type { TRunRequest } from "@/lib/runs/run-request.types";
import { recoverStaleRuns } from "@/lib/runs/recover-stale-runs";
import { startRun } from "@/lib/runs/start-run";
import type { GateResult } from "@/lib/gates/types";

export interface SubmitRunResult {
  runId: string;
  status: "queued" | "awaiting_approval";
  gates: GateResult[];
}

/**
 * Requests a run: re-plans from the environment's live state with the user's inputs (the gates the
 * browser saw are never trusted), refuses with every blocking reason, stores the run and its audit
 * row together, and starts a queued run right away in this process.
 */
export async function submitRun(db: PrismaClient, i: { project: string; environment: string; actor: Actor; request: TRunRequest }, opts: PlanRunOptions = {}): Promise<SubmitRunResult> {
  const { request } = i;
  // A run left behind by a Cairn instance that stopped must not block this environment for minutes:
  // settle it now (only once its Alembic has let go of the database).
  const env = await db.environment.findFirst({ where: { name: i.environment, project: { name: i.project } }, select: { id: true } });
  if (env) await recoverStaleRuns(db, { environmentId: env.id, key: opts.key });
  const plannedAt = new Date();
  const prepared = await prepareRun(db, { project: i.project, environment: i.environment, kind: request.kind, target: request.target, actor: i.actor, inputs: request }, opts);
  const { plan } = prepared;
  // The files the dialog's SQL came from: an edit since (same revision ids or not) means the SQL the
  // requester saw is not the SQL that would be stored and run.
  // Optional for API clients, which review nothing before they ask (the approver reviews the stored SQL).
  const edited = !!request.reviewedFiles?.length && describeReviewedFilesChange(request.reviewedFiles, plan.reviewedFiles, "you reviewed this run", "Nothing was requested; review the run again.");
  if (edited) throw new AppError("conflict", `migration files changed since ${i.actor.email} reviewed a run on ${plan.environment.name}`, edited);
  if (!plan.canRequest) {
    const blocking = plan.gates.filter((g) => !(g.id === "two-person" && g.verdict === "needs-input"));
    throw new AppError("gate-refused", `run request refused on ${plan.environment.name}`, describeRefusal(blocking), { gates: plan.gates });
  }
  const target = prepared.environment;
  const { run, gates } = await requestRun(db, {
    actor: i.actor,
    environment: { id: target.id, projectId: target.projectId, name: target.name, protected: target.protected },
    kind: request.kind,
    target: plan.target,
    fromRevisions: plan.from,
    path: plan.path.steps.map((s) => s.revision),
    sqlPreview: plan.sqlPreview,
    reviewedFiles: plan.reviewedFiles,
    facts: prepared.facts,
    targetIds: prepared.targetIds,
    plannedAt,
  });
  if (run.status === "queued") void startRun(db, run.id, { id: i.actor.userId, email: i.actor.email }, prepared.execution);
  return { runId: run.id, status: run.status as SubmitRunResult["status"], gates };
}
