import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";

/** One audit entry. `actor` is who acted, or `{ label }` for the system ("cairn", "config", "bootstrap"). */
export type AuditEntry = {
  actor: Actor | { label: string };
  /** Dotted verb, e.g. "user.create", "run.approve", "environment.update". */
  action: string;
  projectId?: string | null;
  environmentId?: string | null;
  /** Environment name at the time, kept even if the environment is later deleted. */
  environment?: string | null;
  runId?: string | null;
  fromRevision?: string | null;
  toRevision?: string | null;
  /** e.g. "ok", "refused", "failed". */
  outcome?: string | null;
  /** Anything else worth keeping. Never secrets: no passwords, tokens or database URLs. */
  details?: Record<string, unknown>;
};

/**
 * Appends an audit row. Pass the transaction client of the change being audited
 * (`db.$transaction(async (tx) => { …change…; await recordAudit(tx, …) })`) so that the change
 * and its record commit or roll back together.
 */
export async function recordAudit(tx: PrismaClient | Prisma.TransactionClient, e: AuditEntry): Promise<void> {
  const actor = "kind" in e.actor ? e.actor : null;
  const details: Record<string, unknown> = { ...(e.details ?? {}) };
  if (actor?.kind === "token") details.viaToken = actor.tokenId;
  await tx.auditEvent.create({
    data: {
      actorId: actor ? actor.userId : null,
      actor: actor ? actor.email : (e.actor as { label: string }).label,
      action: e.action,
      projectId: e.projectId ?? null,
      environmentId: e.environmentId ?? null,
      environment: e.environment ?? null,
      runId: e.runId ?? null,
      fromRevision: e.fromRevision ?? null,
      toRevision: e.toRevision ?? null,
      outcome: e.outcome ?? null,
      details: JSON.parse(JSON.stringify(details)) as Prisma.InputJsonValue,
    },
  });
}
