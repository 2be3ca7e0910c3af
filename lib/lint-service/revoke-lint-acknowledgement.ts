import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";

/** Revokes an admin's lint acknowledgement (kept, marked revoked) and audits it as `lint.acknowledge.revoke` in the same transaction. */
export async function revokeLintAcknowledgement(db: PrismaClient, i: { project: string; id: string; actor: Actor }): Promise<void> {
  const project = await getProjectOrThrow(db, i.project);
  await db.$transaction(async (tx) => {
    const row = await tx.lintAcknowledgement.findFirst({ where: { id: i.id, projectId: project.id } });
    if (!row) throw new AppError("not-found", `lint acknowledgement ${i.id} not in ${project.name}`, `Project ${project.name} has no lint acknowledgement ${i.id}. Reload the run dialog to see the current ones.`);
    if (row.revokedAt) throw new AppError("conflict", `lint acknowledgement ${i.id} already revoked`, `This acknowledgement of ${row.revision} ${row.rule} was already revoked by ${row.revokedEmail ?? "someone"}.`);
    await tx.lintAcknowledgement.update({ where: { id: row.id }, data: { revokedAt: new Date(), revokedEmail: i.actor.email } });
    await recordAudit(tx, {
      actor: i.actor,
      action: "lint.acknowledge.revoke",
      projectId: project.id,
      toRevision: row.revision,
      details: { acknowledgementId: row.id, revision: row.revision, rule: row.rule, sha256: row.fileSha256, reason: row.reason, acknowledgedBy: row.email },
    });
  });
}
