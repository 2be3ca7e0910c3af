import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

type Tx = Prisma.TransactionClient;

/** One audit row. Mirrors the AuditEvent model; written in the same transaction as the state change. */
export interface RunAuditEvent {
  actorId?: string | null;
  /** E-mail or "system:<instance>" — who caused the change. */
  actor: string;
  action: string;
  projectId?: string | null;
  environmentId?: string | null;
  environment?: string | null;
  runId?: string | null;
  fromRevision?: string | null;
  toRevision?: string | null;
  outcome?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes an audit row inside the caller's transaction. Kept local to the runner until
 * lib/audit/record-audit.ts lands; switch the call sites to recordAudit(tx, event) then.
 */
export async function recordRunAudit(tx: Tx, e: RunAuditEvent): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: e.actorId ?? null,
      actor: e.actor,
      action: e.action,
      projectId: e.projectId ?? null,
      environmentId: e.environmentId ?? null,
      environment: e.environment ?? null,
      runId: e.runId ?? null,
      fromRevision: e.fromRevision ?? null,
      toRevision: e.toRevision ?? null,
      outcome: e.outcome ?? null,
      details: (e.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}
