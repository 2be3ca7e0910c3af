import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import { findEditedAppliedFiles } from "@/lib/applied-files/find-edited-applied-files";
import { recordObservedAppliedFiles } from "@/lib/applied-files/record-applied-files";

/**
 * What a plan or a status read needs: first the revisions Cairn now sees applied on `seen` environments and has
 * no hash for are recorded (applied outside Cairn), then every recorded application whose file changed since —
 * of `revisions` only when given (a run's path). Never throws: a failure here must not stop a plan.
 */
export async function readAppliedFileEdits(
  db: PrismaClient,
  o: { projectId: string; graph: RevisionGraph; rootDir: string; seen: { environmentId: string; revisions: string[]; readAt: Date }[]; revisions?: string[] },
): Promise<EditedAppliedFile[] | undefined> {
  try {
    for (const s of o.seen) await recordObservedAppliedFiles(db, { environmentId: s.environmentId, revisions: s.revisions, readAt: s.readAt, graph: o.graph, rootDir: o.rootDir });
    return await findEditedAppliedFiles(db, { projectId: o.projectId, graph: o.graph, rootDir: o.rootDir, revisions: o.revisions });
  } catch (e) {
    console.error("[cairn] could not check applied migration files:", e instanceof Error ? e.message : String(e));
    return undefined;
  }
}
