import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { encodeEnvironmentUrl } from "@/lib/projects/encode-environment-url";
import { ZEnvironmentUpdateSchema, type TEnvironmentUpdate } from "@/lib/projects/environment.types";
import { assertEditable, assertEnvironmentNameFree, getEnvironmentOrThrow, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicEnvironment, type PublicEnvironment } from "@/lib/projects/to-public-environment";

/** Updates an environment; an omitted `url` keeps the stored one. */
export async function updateEnvironment(db: PrismaClient, projectName: string, envName: string, input: TEnvironmentUpdate, opts: { actor: AuditEntry["actor"]; key?: Buffer }): Promise<PublicEnvironment> {
  const data = ZEnvironmentUpdateSchema.parse(input);
  return db.$transaction(async (tx) => {
    const project = await getProjectOrThrow(tx, projectName);
    assertEditable(project);
    const existing = getEnvironmentOrThrow(project, envName);
    if (data.name && data.name !== envName) assertEnvironmentNameFree(project, data.name);
    const { url, ...rest } = data;
    const env = await tx.environment.update({
      where: { id: existing.id },
      data: { ...rest, ...(url ? encodeEnvironmentUrl(url, opts.key, `${project.name}/${data.name ?? envName}`) : {}) },
    });
    // Field names only: never the URL itself, not even masked.
    await recordAudit(tx, { actor: opts.actor, action: "environment.update", projectId: project.id, environmentId: env.id, environment: env.name, outcome: "ok", details: { fields: Object.keys(data) } });
    return toPublicEnvironment(env);
  });
}
