import "server-only";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { hashMigrationFilesAsync } from "@/lib/project-graph/read-project-graph";

/**
 * Every (revision, environment) whose recorded file hash differs from the file today, oldest application
 * first. `revisions` narrows it (a run's path); without it every recorded revision of the project is checked.
 * The store is asked for its distinct (revision, hash) pairs first — a 2,000-revision chain applied to 20
 * environments is 40,000 rows but about 2,000 pairs — and only the changed pairs' rows are read whole.
 */
export async function findEditedAppliedFiles(db: PrismaClient, o: { projectId: string; graph: Pick<RevisionGraph, "revisions">; rootDir: string; revisions?: string[] }): Promise<EditedAppliedFile[]> {
  const where = { environment: { projectId: o.projectId }, ...(o.revisions ? { revision: { in: o.revisions } } : {}) };
  const pairs = await db.appliedFile.groupBy({ by: ["revision", "sha256"], where });
  // One hash per revision, however many environments applied it; all of them in one request to the graph reader's worker (off the event loop).
  const revisions = [...new Set(pairs.map((p) => p.revision))];
  const hashed = await hashMigrationFilesAsync(revisions.map((r) => o.graph.revisions.get(r)?.path));
  const hashes = new Map<string, string | null>(revisions.map((r, i) => [r, hashed[i] ?? null]));
  const hashOf = (revision: string) => hashes.get(revision) ?? null;
  const changed: { revision: string; sha256: string }[] = [];
  for (const p of pairs) if (hashOf(p.revision) !== p.sha256) changed.push({ revision: p.revision, sha256: p.sha256 });
  if (changed.length === 0) return [];
  const rows = await db.appliedFile.findMany({
    where: { ...where, OR: changed },
    select: { revision: true, file: true, source: true, appliedAt: true, environment: { select: { name: true } } },
    orderBy: { appliedAt: "asc" },
  });
  const out: EditedAppliedFile[] = [];
  for (const r of rows) {
    const node = o.graph.revisions.get(r.revision);
    out.push({
      revision: r.revision,
      file: node?.path ? path.relative(o.rootDir, node.path) : r.file,
      environment: r.environment.name,
      appliedAt: r.appliedAt.toISOString(),
      source: r.source === "run" ? "run" : "observed",
      exists: hashOf(r.revision) !== null,
    });
  }
  return out;
}
