import "server-only";
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { canProceed, canRequest, describeRefusal, evaluateGates } from "@/lib/gates/evaluate-gates";
import type { GateFacts, GateResult } from "@/lib/gates/types";

/** The request a form or the CLI sends; the server resolves the rest (path, facts, preview). */
export const ZRunRequestSchema = z.object({
  environmentId: z.string().min(1),
  kind: z.enum(["upgrade", "downgrade", "promotion"]),
  target: z.string().trim().min(1, "Choose a target revision"),
  typedConfirmation: z.string().optional(),
  destructiveConfirmation: z.array(z.string()).optional(),
  driftOverrideReason: z.string().optional(),
});
export type TRunRequest = z.infer<typeof ZRunRequestSchema>;

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
}

/**
 * Records a run request after asking the gates. Refused (AppError "gate-refused" listing every reason)
 * unless only the second person's approval is outstanding. Protected environments wait in
 * `awaiting_approval`; others are `queued` at once. The run and its audit row commit together.
 */
export async function requestRun(db: PrismaClient, i: RequestRunInput): Promise<{ run: { id: string; status: string }; gates: GateResult[] }> {
  const facts: GateFacts = { ...i.facts, requester: { userId: i.actor.userId, email: i.actor.email }, approver: null };
  const gates = evaluateGates(facts);
  if (!canRequest(gates)) {
    throw new AppError("gate-refused", `run request refused on ${i.environment.name}`, describeRefusal(gates.filter((g) => !(g.id === "two-person" && g.verdict === "needs-input"))), { gates });
  }
  const status = canProceed(gates) ? "queued" : "awaiting_approval";
  const run = await db.$transaction(async (tx) => {
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
      details: { kind: i.kind, steps: i.path.length, warnings: gates.filter((g) => g.verdict === "warn").map((g) => g.id) },
    });
    return created;
  });
  return { run, gates };
}
