import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { ZEnvironmentOrderSchema } from "@/lib/projects/environment.types";
import { assertEditable, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";

/** Sets the promotion order: `names` must list every environment of the project exactly once. */
export async function reorderEnvironments(db: PrismaClient, projectName: string, names: string[], actor: AuditEntry["actor"]): Promise<void> {
  const order = ZEnvironmentOrderSchema.parse(names);
  await db.$transaction(async (tx) => {
    const project = await getProjectOrThrow(tx, projectName);
    assertEditable(project);
    const have = project.environments.map((e) => e.name).sort();
    if (new Set(order).size !== order.length || [...order].sort().join("\n") !== have.join("\n")) {
      throw new AppError("validation", "order does not list every environment once", `List every environment of "${project.name}" exactly once: ${have.join(", ")}.`);
    }
    for (const [position, name] of order.entries()) {
      await tx.environment.update({ where: { projectId_name: { projectId: project.id, name } }, data: { position } });
    }
    await recordAudit(tx, { actor, action: "environment.reorder", projectId: project.id, outcome: "ok", details: { order } });
  });
}
