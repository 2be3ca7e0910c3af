import "server-only";
import nodePath from "node:path";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { TLintAcknowledgement } from "@/lib/lint-service/lint-acknowledgement.types";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { projectConstants } from "@/lib/projects/project-constants";
import { hashMigrationFilesAsync, readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";

/** A stored acknowledgement as the API and the run dialog show it. */
export interface LintAcknowledgementView {
  id: string;
  revision: string;
  rule: string;
  file: string;
  reason: string;
  email: string;
  createdAt: string;
}

/**
 * Records an admin's acknowledgement of one lint finding for the migration file the admin was shown
 * (the finding's sha256, sent back): refused when the file changed since, and an edited file needs a
 * new one. The row and its `lint.acknowledge` audit row are written
 * in one transaction. A live acknowledgement of the same finding for the same bytes is replaced.
 */
export async function acknowledgeLintFinding(db: PrismaClient, i: TLintAcknowledgement & { project: string; actor: Actor }): Promise<LintAcknowledgementView> {
  const project = await getProjectOrThrow(db, i.project);
  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants: projectConstants(project) });
  const node = graph.revisions.get(i.revision);
  if (!node) throw new AppError("not-found", `revision ${i.revision} not in ${project.name}`, `Project ${project.name} has no revision ${i.revision}. Plan the run again and acknowledge a finding it lists.`);
  const [sha256] = await hashMigrationFilesAsync([node.path]);
  if (!sha256) throw new AppError("conflict", `migration file of ${i.revision} unreadable`, `Cairn cannot read the migration file of ${i.revision}, so there is nothing to acknowledge. Check that the file exists on this server.`);
  const file = nodePath.relative(loaded.location.rootDir, node.path!);
  if (sha256 !== i.fileSha256) {
    throw new AppError(
      "conflict",
      `migration file of ${i.revision} changed since its finding was shown`,
      `${file} changed since this finding was shown, so it is not the file you read. Plan the run again and acknowledge the finding it shows now.`,
    );
  }
  const row = await db.$transaction(async (tx) => {
    const now = new Date();
    await tx.lintAcknowledgement.updateMany({
      where: { projectId: project.id, revision: i.revision, rule: i.rule, fileSha256: sha256, revokedAt: null },
      data: { revokedAt: now, revokedEmail: i.actor.email },
    });
    const created = await tx.lintAcknowledgement.create({
      data: { projectId: project.id, revision: i.revision, rule: i.rule, fileSha256: sha256, reason: i.reason, userId: i.actor.userId, email: i.actor.email },
    });
    await recordAudit(tx, {
      actor: i.actor,
      action: "lint.acknowledge",
      projectId: project.id,
      toRevision: i.revision,
      details: { acknowledgementId: created.id, revision: i.revision, rule: i.rule, file, sha256, reason: i.reason },
    });
    return created;
  });
  return { id: row.id, revision: row.revision, rule: row.rule, file, reason: row.reason, email: row.email, createdAt: row.createdAt.toISOString() };
}
