import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";

/**
 * Who acted: a signed-in actor, a user known by id and e-mail (the runner acting for the requester),
 * or `{ label }` for the system ("config", "bootstrap", "system:<instance>").
 */
export type AuditActor = Actor | { userId?: string | null; email: string } | { label: string };

/** One audit entry. */
export type AuditEntry = {
  actor: AuditActor;
  /** Dotted verb, e.g. "user.create", "run.approve", "environment.update". */
  action: string;
  projectId?: string | null;
  /** Project name at the time, kept when the project is later deleted; looked up from projectId when not given. */
  project?: string | null;
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
  const who = "label" in e.actor ? { id: null, name: e.actor.label } : { id: e.actor.userId ?? null, name: e.actor.email };
  const details: Record<string, unknown> = { ...(e.details ?? {}) };
  if ("kind" in e.actor && e.actor.kind === "token") details.viaToken = e.actor.tokenId;
  const project = e.project ?? (e.projectId ? ((await tx.project.findUnique({ where: { id: e.projectId }, select: { name: true } }))?.name ?? null) : null);
  await tx.auditEvent.create({
    data: {
      actorId: who.id,
      actor: who.name,
      action: e.action,
      projectId: e.projectId ?? null,
      project,
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
