import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { ZProjectInputSchema, type TProjectInput } from "@/lib/projects/project.types";
import { toPublicProject, type PublicProject } from "@/lib/projects/to-public-environment";
import { projectChanges } from "@/lib/projects/project-changes";

/** Creates a UI-managed project (no environments yet), with its audit row in the same transaction. */
export async function createProject(db: PrismaClient, input: TProjectInput, actor: AuditEntry["actor"]): Promise<PublicProject> {
  const data = ZProjectInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    if (await tx.project.findUnique({ where: { name: data.name } })) {
      throw new AppError("conflict", `project ${data.name} exists`, `A project named "${data.name}" already exists. Choose another name.`);
    }
    // command and xArgs keep the store's defaults: only cairn.config.json sets them (project.types.ts).
    const project = await tx.project.create({
      data: { name: data.name, alembicPath: data.alembicPath, urlEnvVar: data.urlEnvVar, constants: data.constants as Prisma.InputJsonValue, source: "ui" },
      include: { environments: true },
    });
    await recordAudit(tx, {
      actor,
      action: "project.create",
      projectId: project.id,
      outcome: "ok",
      details: { name: project.name, changes: projectChanges(undefined, project) },
    });
    return toPublicProject(project);
  });
}
