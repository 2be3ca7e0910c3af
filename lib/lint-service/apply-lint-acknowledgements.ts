import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import { hashMigrationFile } from "@/lib/alembic/hash-migration-file";
import type { LintFinding } from "@/lib/lint/types";

/**
 * Marks the findings an admin acknowledged — same revision and rule, for the migration file's bytes
 * as they are now, not revoked — as acknowledged (listed, not counted, like a `# cairn: allow`
 * comment). A finding the migration itself acknowledges keeps the comment's reason.
 */
export async function applyLintAcknowledgements(db: PrismaClient, i: { projectId: string; graph: Pick<RevisionGraph, "revisions">; findings: LintFinding[] }): Promise<LintFinding[]> {
  const revisions = [...new Set(i.findings.filter((f) => !f.acknowledged).map((f) => f.revision))];
  if (!revisions.length) return i.findings;
  const [rows, hashes] = await Promise.all([
    db.lintAcknowledgement.findMany({ where: { projectId: i.projectId, revision: { in: revisions }, revokedAt: null }, orderBy: { createdAt: "desc" } }),
    Promise.all(revisions.map(async (r) => [r, await hashMigrationFile(i.graph.revisions.get(r)?.path)] as const)),
  ]);
  const hashOf = new Map(hashes);
  return i.findings.map((f) => {
    if (f.acknowledged) return f;
    const row = rows.find((a) => a.revision === f.revision && a.rule === f.rule && a.fileSha256 === hashOf.get(f.revision));
    return row ? { ...f, acknowledged: row.reason, acknowledgedBy: { id: row.id, email: row.email, at: row.createdAt.toISOString() } } : f;
  });
}
