import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { assertEditable, getEnvironmentOrThrow, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";

export async function deleteEnvironment(db: PrismaClient, projectName: string, envName: string, actor: AuditEntry["actor"]): Promise<void> {
  await db.$transaction(async (tx) => {
    const project = await getProjectOrThrow(tx, projectName);
    assertEditable(project);
    const env = getEnvironmentOrThrow(project, envName);
    await tx.environment.delete({ where: { id: env.id } });
    await recordAudit(tx, { actor, action: "environment.delete", projectId: project.id, environmentId: null, environment: env.name, outcome: "ok" });
  });
}
