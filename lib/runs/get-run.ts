import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import type { GateResult } from "@/lib/gates/types";
import type { RunView, TListRunsQuery } from "@/lib/runs/run-request.types";
import { storedRevisions } from "@/lib/revision-lists";

const USER = { select: { id: true, email: true } } as const;
const INCLUDE = {
  environment: { select: { name: true, protected: true, approvers: true } },
  project: { select: { name: true } },
  requestedBy: USER,
  approvedBy: USER,
  rejectedBy: USER,
} as const;
type RunRow = Prisma.RunGetPayload<{ include: typeof INCLUDE }>;

function toView(r: RunRow): RunView {
  return {
    id: r.id,
    project: r.project.name,
    environment: r.environment.name,
    environmentProtected: r.environment.protected,
    kind: r.kind,
    status: r.status,
    fromRevisions: r.fromRevisions,
    target: r.target,
    path: r.path,
    sqlPreview: r.sqlPreview,
    reviewedFiles: r.reviewedFiles,
    gates: Array.isArray(r.gates) ? (r.gates as unknown as GateResult[]) : [],
    requestedBy: r.requestedBy,
    approvedBy: r.approvedBy,
    approvedAt: r.approvedAt?.toISOString() ?? null,
    rejectedBy: r.rejectedBy,
    rejectReason: r.rejectReason,
    cancelRequestedBy: r.cancelRequestedBy,
    cancelReason: r.cancelReason,
    cancelRequestedAt: r.cancelRequestedAt?.toISOString() ?? null,
    driftOverride: r.driftOverride,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    errorTail: r.errorTail,
    resultRevisions: storedRevisions(r.resultRevisions),
    // BigInt in the store (a dump may pass 2 GB); a number here (JSON has no BigInt, and 2^53 bytes is far off).
    backup: r.backupFile || r.backupCommand ? { file: r.backupFile, bytes: r.backupBytes === null ? null : Number(r.backupBytes), restoreCommand: r.backupRestoreCommand, command: r.backupCommand } : null,
  };
}

/** One run as the browser sees it (gates, preview, outcome; never a URL). */
export async function getRunOrThrow(db: PrismaClient, runId: string): Promise<RunView & { approvers: string[] }> {
  const row = await db.run.findUnique({ where: { id: runId }, include: INCLUDE }).catch(() => null);
  if (!row) throw new AppError("not-found", `run ${runId} not found`, `Run ${runId} does not exist.`);
  return { ...toView(row), approvers: row.environment.approvers };
}

/** Recent runs, newest first, filtered by project, environment and status. */
export async function listRuns(db: PrismaClient, q: Partial<TListRunsQuery> = {}): Promise<RunView[]> {
  const rows = await db.run.findMany({
    where: {
      ...(q.project ? { project: { name: q.project } } : {}),
      ...(q.environment ? { environment: { name: q.environment } } : {}),
      ...(q.status ? { status: q.status } : {}),
    },
    include: INCLUDE,
    orderBy: { createdAt: "desc" },
    take: q.limit ?? 50,
  });
  return rows.map(toView);
}
