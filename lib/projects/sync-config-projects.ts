import "server-only";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { decryptSecret } from "@/lib/secrets/encrypt-secret";
import { isEnvRef } from "@/lib/secrets/resolve-environment-url";
import { encodeEnvironmentUrl } from "@/lib/projects/encode-environment-url";
import type { CairnConfig } from "@/lib/config/cairn-config";
import { projectChanges } from "@/lib/projects/project-changes";

export interface SyncConfigResult {
  created: string[];
  updated: string[];
  /** Projects once declared in the config and no longer there; left in place for an admin to decide. */
  orphaned: string[];
}

/**
 * Makes the store match cairn.config.json: each declared project is upserted with source "config"
 * (read-only in the UI) and its environments set to exactly the declared ones, in declared order.
 * Literal URLs are encrypted with `key`; an unchanged literal is not rewritten.
 */
export async function syncConfigProjects(db: PrismaClient, config: CairnConfig, opts: { key?: Buffer } = {}): Promise<SyncConfigResult> {
  const result: SyncConfigResult = { created: [], updated: [], orphaned: [] };
  const actor = { label: "config" };
  await db.$transaction(async (tx) => {
    for (const p of config.projects) {
      const data = {
        alembicPath: p.alembicPath,
        command: p.command,
        urlEnvVar: p.urlEnvVar,
        xArgs: p.xArgs,
        constants: p.constants as Prisma.InputJsonValue,
        source: "config",
        // The rehearsal server's URL is kept like an environment's: a reference as is, a literal only encrypted.
        rehearsal: {
          ...(p.rehearsal.url ? encodeEnvironmentUrl(p.rehearsal.url, opts.key, `${p.name}'s rehearsal.url in ${config.file}`) : {}),
          maxAgeHours: p.rehearsal.maxAgeHours,
        },
      };
      const existing = await tx.project.findUnique({ where: { name: p.name }, include: { environments: true } });
      // Another migration directory: its heads are a first sighting (recorded, not announced as new heads).
      const moved = existing && existing.alembicPath !== p.alembicPath ? { knownHeads: [], headsSeenAt: null } : {};
      const project = existing ? await tx.project.update({ where: { id: existing.id }, data: { ...data, ...moved } }) : await tx.project.create({ data: { name: p.name, ...data } });
      (existing ? result.updated : result.created).push(p.name);

      const declared = new Set(p.environments.map((e) => e.name));
      for (const old of existing?.environments ?? []) {
        if (declared.has(old.name)) continue;
        await tx.environment.delete({ where: { id: old.id } });
        await recordAudit(tx, { actor, action: "environment.delete", projectId: project.id, environment: old.name, outcome: "ok", details: { reason: "removed from cairn.config.json" } });
      }
      // Move positions out of the way first so reordering never trips over itself.
      await tx.environment.updateMany({ where: { projectId: project.id }, data: { position: { increment: 10_000 } } });
      for (const [position, e] of p.environments.entries()) {
        const prior = existing?.environments.find((x) => x.name === e.name);
        const unchangedLiteral = !isEnvRef(e.url) && prior?.urlEncrypted && opts.key && safeDecrypt(prior.urlEncrypted, opts.key) === e.url.trim();
        const url = unchangedLiteral ? { urlRef: null, urlEncrypted: prior!.urlEncrypted, urlMasked: prior!.urlMasked } : encodeEnvironmentUrl(e.url, opts.key, `${p.name}/${e.name} in ${config.file}`);
        const fields = {
          position,
          ...url,
          protected: e.protected,
          versionTable: e.versionTable,
          versionTableSchema: e.versionTableSchema,
          timeoutMs: e.timeoutMs,
          approvers: e.approvers,
          rehearsal: { ...e.rehearsal },
          // Operator-only, like a project's command: set here and nowhere else (the API has no field for it).
          beforeRun: e.beforeRun ? ({ ...e.beforeRun } as Prisma.InputJsonValue) : Prisma.DbNull,
        };
        await tx.environment.upsert({
          where: { projectId_name: { projectId: project.id, name: e.name } },
          create: { projectId: project.id, name: e.name, ...fields },
          update: fields,
        });
      }
      await recordAudit(tx, {
        actor,
        action: existing ? "project.sync" : "project.create",
        projectId: project.id,
        outcome: "ok",
        details: { source: config.file, environments: [...declared], changes: projectChanges(existing ?? undefined, { name: p.name, ...data }) },
      });
    }
    const declaredNames = new Set(config.projects.map((p) => p.name));
    const stale = await tx.project.findMany({ where: { source: "config", name: { notIn: [...declaredNames] } }, select: { name: true } });
    result.orphaned = stale.map((s) => s.name);
  });
  return result;
}

function safeDecrypt(blob: string, key: Buffer): string | undefined {
  try {
    return decryptSecret(blob, key);
  } catch {
    return undefined;
  }
}
