import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, canRequest, describeRefusal } from "@/lib/gates/evaluate-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";
import { evaluateRunGates } from "@/lib/runs/evaluate-run-gates";

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
  /** Gathered by the caller (graph, sign-offs, drift, previous environment…); requester is taken from actor. */
  facts: Omit<GateFacts, "requester" | "approver">;
  /** Every revision the target names, when several ("heads" of a branched project); each is judged. */
  targetIds?: string[];
  /** When the facts were read: a run on the environment queued since then makes them stale. */
  plannedAt?: Date;
}

/**
 * Records a run request after asking the gates. Refused (AppError "gate-refused" listing every reason)
 * unless only the second person's approval is outstanding. Protected environments wait in
 * `awaiting_approval`; others are `queued` at once. The run and its audit row commit together.
 */
export async function requestRun(db: PrismaClient, i: RequestRunInput): Promise<{ run: { id: string; status: string }; gates: GateResult[] }> {
  const facts: GateFacts = { ...i.facts, requester: { userId: i.actor.userId, email: i.actor.email }, approver: null };
  const gates = evaluateRunGates(facts, i.targetIds);
  if (!canRequest(gates)) {
    throw new AppError("gate-refused", `run request refused on ${i.environment.name}`, describeRefusal(gates.filter((g) => !(g.id === "two-person" && g.verdict === "needs-input"))), { gates });
  }
  const status = canProceed(gates) ? "queued" : "awaiting_approval";
  const run = await db.$transaction(async (tx) => {
    if (status === "queued") {
      // Two requests racing on one environment: serialise them here, and let only the first queue a run.
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`cairn-run-request:${i.environment.id}`}))) AS l`;
      const active = await tx.run.findFirst({ where: { environmentId: i.environment.id, status: { in: ["queued", "running"] } }, select: { id: true, kind: true, target: true, status: true } });
      if (active) {
        throw new AppError(
          "locked",
          `environment ${i.environment.name} busy with run ${active.id}`,
          `${i.environment.name} is busy: run ${active.id} (${active.kind} to ${active.target}) is ${active.status}. Wait for it to finish, then request again.`,
          { runId: active.id },
        );
      }
      if (i.plannedAt) {
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
    return created;
  });
  return { run, gates };
}
