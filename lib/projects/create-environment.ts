import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit, type AuditEntry } from "@/lib/audit/record-audit";
import { encodeEnvironmentUrl } from "@/lib/projects/encode-environment-url";
import { ZEnvironmentInputSchema, type TEnvironmentInput } from "@/lib/projects/environment.types";
import { assertEditable, assertEnvironmentNameFree, getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { toPublicEnvironment, type PublicEnvironment } from "@/lib/projects/to-public-environment";

/** Adds an environment at the end of the project's promotion order. `key` encrypts a literal URL. */
export async function createEnvironment(db: PrismaClient, projectName: string, input: TEnvironmentInput, opts: { actor: AuditEntry["actor"]; key?: Buffer }): Promise<PublicEnvironment> {
  const data = ZEnvironmentInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    const project = await getProjectOrThrow(tx, projectName);
    assertEditable(project);
    assertEnvironmentNameFree(project, data.name);
    const { url, ...rest } = data;
    const env = await tx.environment.create({
      data: {
        ...rest,
        ...encodeEnvironmentUrl(url, opts.key, `${project.name}/${data.name}`),
        versionTableSchema: rest.versionTableSchema ?? null,
        projectId: project.id,
        position: project.environments.reduce((max, e) => Math.max(max, e.position + 1), 0),
      },
    });
    await recordAudit(tx, { actor: opts.actor, action: "environment.create", projectId: project.id, environmentId: env.id, environment: env.name, outcome: "ok", details: { protected: env.protected } });
    return toPublicEnvironment(env);
  });
}
