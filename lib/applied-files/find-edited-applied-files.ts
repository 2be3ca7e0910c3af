import "server-only";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { hashMigrationFile } from "@/lib/alembic/hash-migration-file";

/**
 * Every (revision, environment) whose recorded file hash differs from the file today, oldest application
 * first. `revisions` narrows it (a run's path); without it every recorded revision of the project is checked.
 */
export async function findEditedAppliedFiles(db: PrismaClient, o: { projectId: string; graph: Pick<RevisionGraph, "revisions">; rootDir: string; revisions?: string[] }): Promise<EditedAppliedFile[]> {
  const rows = await db.appliedFile.findMany({
    where: { environment: { projectId: o.projectId }, ...(o.revisions ? { revision: { in: o.revisions } } : {}) },
    select: { revision: true, sha256: true, file: true, source: true, appliedAt: true, environment: { select: { name: true } } },
    orderBy: { appliedAt: "asc" },
  });
  const out: EditedAppliedFile[] = [];
  // One hash per revision, however many environments applied it (20 environments on a 2,000-revision chain are 40,000 rows).
  const hashes = new Map<string, Promise<string | null>>();
  for (const r of rows) {
    const node = o.graph.revisions.get(r.revision);
    if (!hashes.has(r.revision)) hashes.set(r.revision, node?.path ? hashMigrationFile(node.path) : Promise.resolve(null));
    const now = await hashes.get(r.revision)!;
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
