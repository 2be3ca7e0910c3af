import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashMigrationFilesAsync } from "@/lib/project-graph/read-project-graph";
import type { LintFinding } from "@/lib/lint/types";

/**
 * Marks the findings an admin acknowledged — same revision and rule, for the migration file's bytes
 * as they are now, not revoked — as acknowledged (listed, not counted, like a `# cairn: allow`
 * comment). A finding the migration itself acknowledges keeps the comment's reason. Every finding
 * carries its file's sha256 (fileSha256), which an acknowledgement sends back.
 */
export async function applyLintAcknowledgements(db: PrismaClient, i: { projectId: string; graph: { revisions: ReadonlyMap<string, { path?: string | undefined }> }; findings: LintFinding[] }): Promise<LintFinding[]> {
  const revisions = [...new Set(i.findings.map((f) => f.revision))];
  if (!revisions.length) return i.findings;
  const [rows, hashes] = await Promise.all([
    db.lintAcknowledgement.findMany({ where: { projectId: i.projectId, revision: { in: revisions }, revokedAt: null }, orderBy: { createdAt: "desc" } }),
    hashMigrationFilesAsync(revisions.map((r) => i.graph.revisions.get(r)?.path)),
  ]);
  const hashOf = new Map(revisions.map((r, k) => [r, hashes[k]] as const));
  return i.findings.map((f) => {
    const sha256 = hashOf.get(f.revision);
    const hashed = sha256 ? { ...f, fileSha256: sha256 } : f;
    if (f.acknowledged) return hashed;
    const row = rows.find((a) => a.revision === f.revision && a.rule === f.rule && a.fileSha256 === sha256);
    return row ? { ...hashed, acknowledged: row.reason, acknowledgedBy: { id: row.id, email: row.email, at: row.createdAt.toISOString() } } : hashed;
  });
}
