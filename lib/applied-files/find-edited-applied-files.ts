import "server-only";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { hashMigrationFile } from "@/lib/applied-files/hash-migration-file";

/**
 * Every (revision, environment) whose recorded file hash differs from the file today, oldest application
 * first. `revisions` narrows it (a run's path); without it every recorded revision of the project is checked.
 */
export async function findEditedAppliedFiles(db: PrismaClient, o: { projectId: string; graph: Pick<RevisionGraph, "revisions">; rootDir: string; revisions?: string[] }): Promise<EditedAppliedFile[]> {
  const rows = await db.appliedFile.findMany({
    where: { environment: { projectId: o.projectId }, ...(o.revisions ? { revision: { in: o.revisions } } : {}) },
    include: { environment: { select: { name: true } } },
    orderBy: { appliedAt: "asc" },
  });
  const out: EditedAppliedFile[] = [];
  for (const r of rows) {
    const node = o.graph.revisions.get(r.revision);
    const now = node?.path ? await hashMigrationFile(node.path) : null;
    if (now === r.sha256) continue;
    out.push({
      revision: r.revision,
      file: node?.path ? path.relative(o.rootDir, node.path) : r.file,
      environment: r.environment.name,
      appliedAt: r.appliedAt.toISOString(),
      source: r.source === "run" ? "run" : "observed",
      exists: now !== null,
    });
  }
  return out;
}
