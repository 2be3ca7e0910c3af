import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { assertEditable, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";

/** Deletes a UI-managed project and (by cascade) its environments and run history; the audit trail stays. */
export async function deleteProject(db: PrismaClient, name: string, actor: AuditEntry["actor"]): Promise<void> {
  await db.$transaction(async (tx) => {
    const project = await getProjectOrThrow(tx, name);
    assertEditable(project);
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, { actor, action: "project.delete", projectId: project.id, project: project.name, outcome: "ok", details: { name, environments: project.environments.map((e) => e.name) } });
  });
}
