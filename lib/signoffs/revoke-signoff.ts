import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { z } from "zod";
import type { ZRevokeSignOffSchema } from "@/lib/signoffs/signoff.types";

/** Withdraws a sign-off (it no longer satisfies the sign-off gate), with the reason in the audit trail. */
export async function revokeSignOff(db: PrismaClient, i: { project: string; id: string; actor: Actor; input: z.output<typeof ZRevokeSignOffSchema> }): Promise<{ id: string; revokedAt: string }> {
  const { reason } = i.input;
  return db.$transaction(async (tx) => {
    const row = await tx.signOff.findFirst({ where: { id: i.id, project: { name: i.project } }, include: { environment: { select: { name: true } } } });
    if (!row) throw new AppError("not-found", `sign-off ${i.id} not in ${i.project}`, `Project "${i.project}" has no sign-off ${i.id}. It may have been deleted; reload the page.`);
    const now = new Date();
    // Conditional update: two people revoking at once produce one revocation.
    const { count } = await tx.signOff.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: now } });
    if (count !== 1) throw new AppError("conflict", `sign-off ${row.id} already revoked`, "This sign-off was already revoked. Reload the page to see who revoked it.");
    await recordAudit(tx, {
      actor: i.actor,
      action: "signoff.revoke",
      projectId: row.projectId,
      environmentId: row.environmentId,
      environment: row.environment.name,
      fromRevision: row.fromRevision,
      toRevision: row.toRevision,
      outcome: "ok",
      details: { signOffId: row.id, reason },
    });
    return { id: row.id, revokedAt: now.toISOString() };
  });
}
