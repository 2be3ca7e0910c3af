import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, canRequest, describeRefusal } from "@/lib/gates/evaluate-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";
import { evaluateRunGates } from "@/lib/gates/evaluate-run-gates";
import { markStaleRequestsIn } from "@/lib/runs/mark-stale-requests";
import { OPEN_RUN_STATUSES } from "@/lib/runs/run-request.types";
import { revisionsText } from "@/lib/revision-lists";
import { formatUtc } from "@/lib/format-utc";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

// The request a form or the CLI sends lives with the other shared schemas (client-safe).
export { ZRunRequestSchema, type TRunRequest } from "@/lib/runs/run-request.types";

export interface RequestRunInput {
  actor: Actor;
  environment: { id: string; projectId: string; name: string; protected: boolean };
  kind: "upgrade" | "downgrade" | "promotion";
  /** Resolved target revision id. */
  target: string;
  fromRevisions: string[];
  path: string[];
  sqlPreview: string;
  /** The files `sqlPreview` was rendered from (RunPlan.reviewedFiles): approval and the runner refuse when they change. */
  reviewedFiles: string[];
  /** Gathered by the caller (graph, sign-offs, drift, previous environment…); requester is taken from actor. */
  facts: Omit<GateFacts, "requester" | "approver">;
  /** Every revision the target names, when several ("heads" of a branched project); each is judged. */
  targetIds?: string[];
  /** When the facts were read: a run on the environment queued since then makes them stale. */
  plannedAt?: Date;
}

const OPEN_RUN_INDEX = "Run_one_open_per_environment";

type Db = PrismaClient | Prisma.TransactionClient;

/** The open run (awaiting approval, queued or running) on an environment, with who requested it. */
export async function findOpenRun(db: Db, environmentId: string) {
  const run = await db.run.findFirst({
    where: { environmentId, status: { in: [...OPEN_RUN_STATUSES] } },
    select: { id: true, kind: true, target: true, status: true, fromRevisions: true, requestedById: true, requestedBy: { select: { email: true } }, createdAt: true },
  });
  return run && { ...run, requestedBy: run.requestedBy.email };
}

/**
 * The refusal of a second open run: 409 while one awaits approval (someone must decide or withdraw
 * it), 423 while one is queued or running (wait for it). Names the run, what it does and who asked.
 */
export function openRunError(environment: string, open: NonNullable<Awaited<ReturnType<typeof findOpenRun>>>): AppError {
  const from = revisionsText(open.fromRevisions);
  const what = `run ${open.id} (${open.kind} to ${open.target}, from ${from})`;
  const who = `requested by ${open.requestedBy} at ${formatUtc(open.createdAt)}`;
  if (open.status === "awaiting_approval") {
    return new AppError(
      "conflict",
      `environment ${environment} already has open run ${open.id}`,
      `${environment} already has an open request: ${what}, awaiting approval, ${who}. Only one request per environment can be open: have it approved or rejected, or cancel it (its requester or an admin can), then request again.`,
      { runId: open.id, status: open.status },
    );
  }
  return new AppError("locked", `environment ${environment} busy with run ${open.id}`, `${environment} is busy: ${what} is ${open.status}, ${who}. Wait for it to finish, then request again.`, {
    runId: open.id,
    status: open.status,
  });
}

/** Is this Prisma's unique violation on the one-open-run-per-environment index? */
export function isOpenRunIndexViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const { code, meta, message } = e as { code?: unknown; meta?: unknown; message?: unknown };
  if (code !== "P2002") return false;
  const text = `${JSON.stringify(meta ?? {})} ${typeof message === "string" ? message : ""}`;
  return text.includes(OPEN_RUN_INDEX) || /environmentId/.test(text);
}

/** The refusal of a plan with nothing to do (from == target). */
export function noOpError(environment: string, from: readonly string[], target: string): AppError {
  const at = revisionsText(from);
  return new AppError(
    "bad-request",
    `no-op run on ${environment}: ${at} -> ${target}`,
    `Nothing to run: ${environment} is already at ${at}, so ${target === at ? "this plan" : `going to ${target}`} has no migration to apply or revert. Choose another target revision.`,
  );
}

/**
 * Records a run request after asking the gates. Refused (AppError "gate-refused" listing every reason)
 * unless only the second person's approval is outstanding. Protected environments wait in
 * `awaiting_approval`; others are `queued` at once. The run, its audit row and its webhook events
 * (run.requested, and run.awaiting_approval when it waits) commit together.
 */
export async function requestRun(db: PrismaClient, i: RequestRunInput): Promise<{ run: { id: string; status: string }; gates: GateResult[] }> {
  // Never trust the browser: a plan with no step is refused here whatever the dialog showed.
  if (i.path.length === 0) throw noOpError(i.environment.name, i.fromRevisions, i.target);
  const facts: GateFacts = { ...i.facts, requester: { userId: i.actor.userId, email: i.actor.email }, approver: null };
  const gates = evaluateRunGates(facts, i.targetIds);
  if (!canRequest(gates)) {
    throw new AppError("gate-refused", `run request refused on ${i.environment.name}`, describeRefusal(gates.filter((g) => !(g.id === "two-person" && g.verdict === "needs-input"))), { gates });
  }
  const status = canProceed(gates) ? "queued" : "awaiting_approval";
  const requestedAt = new Date();
  let run: { id: string; status: string };
  try {
    run = await db.$transaction(async (tx) => {
      // Requests racing on one environment (in any instance sharing this store) are serialised here;
      // the partial unique index Run_one_open_per_environment is the final arbiter below.
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`cairn-run-request:${i.environment.id}`}))) AS l`;
      // A request waiting from a state the environment has left is stale, and no longer open.
      await markStaleRequestsIn(tx, {
        environment: { id: i.environment.id, name: i.environment.name, projectId: i.environment.projectId },
        current: i.fromRevisions,
        noticedWhen: "request",
        noticedBy: i.actor.email,
        requestedBefore: i.plannedAt ?? requestedAt,
      });
      const open = await findOpenRun(tx, i.environment.id);
      if (open) throw openRunError(i.environment.name, open);
      if (status === "queued" && i.plannedAt) {
        const since = await tx.run.findFirst({
          where: { environmentId: i.environment.id, createdAt: { gte: i.plannedAt }, status: { in: ["queued", "running", "succeeded", "failed", "interrupted"] } },
          select: { id: true, kind: true, target: true },
        });
        if (since) {
          throw new AppError(
            "conflict",
            `environment ${i.environment.name} changed during planning (run ${since.id})`,
            `${i.environment.name} changed while this request was being planned: run ${since.id} (${since.kind} to ${since.target}) ran meanwhile. Review the new plan and request again.`,
            { runId: since.id },
          );
        }
      }
      const created = await tx.run.create({
        data: {
          projectId: i.environment.projectId,
          environmentId: i.environment.id,
          kind: i.kind,
          status,
          target: i.target,
          fromRevisions: i.fromRevisions,
          path: i.path,
          sqlPreview: i.sqlPreview,
          reviewedFiles: i.reviewedFiles,
          gates: gates as unknown as Prisma.InputJsonValue,
          requestedById: i.actor.userId,
          driftOverride: facts.inputs.driftOverride?.reason ?? null,
        },
        select: { id: true, status: true },
      });
      await recordAudit(tx, {
        actor: i.actor,
        action: "run.request",
        projectId: i.environment.projectId,
        environmentId: i.environment.id,
        environment: i.environment.name,
        runId: created.id,
        fromRevision: i.fromRevisions.join(",") || null,
        toRevision: i.target,
        outcome: status,
        details: {
          kind: i.kind,
          steps: i.path.length,
          warnings: gates.filter((g) => g.verdict === "warn").map((g) => g.id),
          driftOverride: i.facts.inputs.driftOverride?.reason ?? null,
        },
      });
      await emitRunEvent(tx, "run.requested", created.id, { actor: i.actor.email });
      if (status === "awaiting_approval") await emitRunEvent(tx, "run.awaiting_approval", created.id, { actor: i.actor.email });
      return created;
    });
  } catch (e) {
    // Another instance (or an older Cairn without the lock) opened a run first: the index refused ours.
    if (!isOpenRunIndexViolation(e)) throw e;
    const open = await findOpenRun(db, i.environment.id);
    throw open
      ? openRunError(i.environment.name, open)
      : new AppError("conflict", `open-run index refused a request on ${i.environment.name}`, `${i.environment.name} had another open request a moment ago. Reload and request again.`);
  }
  return { run, gates };
}
