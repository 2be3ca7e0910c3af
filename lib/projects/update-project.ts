import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { assertEditable, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { ZProjectUpdateSchema, type TProjectUpdate } from "@/lib/projects/project.types";
import { toPublicProject, type PublicProject } from "@/lib/projects/to-public-environment";
import { projectChanges } from "@/lib/projects/project-changes";

export async function updateProject(db: PrismaClient, name: string, input: TProjectUpdate, actor: AuditEntry["actor"]): Promise<PublicProject> {
  const data = ZProjectUpdateSchema.parse(input);
  return db.$transaction(async (tx) => {
    const existing = await getProjectOrThrow(tx, name);
    assertEditable(existing);
    if (data.name && data.name !== name && (await tx.project.findUnique({ where: { name: data.name } }))) {
      throw new AppError("conflict", `project ${data.name} exists`, `A project named "${data.name}" already exists. Choose another name.`);
    }
    const project = await tx.project.update({
      where: { id: existing.id },
      data: {
        name: data.name,
        alembicPath: data.alembicPath,
        urlEnvVar: data.urlEnvVar,
        constants: data.constants as Prisma.InputJsonValue | undefined,
        // Another migration directory: its heads are a first sighting (recorded, not announced as new heads).
        ...(data.alembicPath !== undefined && data.alembicPath !== existing.alembicPath ? { knownHeads: [], headsSeenAt: null } : {}),
      },
      include: { environments: { orderBy: { position: "asc" } } },
    });
    await recordAudit(tx, {
      actor,
      action: "project.update",
      projectId: project.id,
      outcome: "ok",
      details: { name: project.name, fields: Object.keys(data).filter((k) => data[k as keyof typeof data] !== undefined), changes: projectChanges(existing, project) },
    });
    return toPublicProject(project);
  });
}
