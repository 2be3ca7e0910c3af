import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import type { GateResult } from "@/lib/gates/types";
import type { RunView, TListRunsQuery } from "@/lib/runs/run-request.types";
import { asStrings } from "@/lib/revision-lists";

const INCLUDE = { environment: { select: { name: true, protected: true, approvers: true } }, project: { select: { name: true } } } as const;
type RunRow = Prisma.RunGetPayload<{ include: typeof INCLUDE }>;

async function toViews(db: PrismaClient, rows: RunRow[]): Promise<RunView[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.requestedById, r.approvedById, r.rejectedById]).filter((x): x is string => !!x))];
  const users = new Map((await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [u.id, u]));
  const who = (id: string | null) => (id ? (users.get(id) ?? { id, email: "(deleted user)" }) : null);
  return rows.map((r) => ({
    id: r.id,
    project: r.project.name,
    environment: r.environment.name,
    environmentProtected: r.environment.protected,
    kind: r.kind,
    status: r.status,
    fromRevisions: asStrings(r.fromRevisions),
    target: r.target,
    path: asStrings(r.path),
    sqlPreview: r.sqlPreview,
    reviewedFiles: r.reviewedFiles,
    gates: Array.isArray(r.gates) ? (r.gates as unknown as GateResult[]) : [],
    requestedBy: who(r.requestedById),
    approvedBy: who(r.approvedById),
    approvedAt: r.approvedAt?.toISOString() ?? null,
    rejectedBy: who(r.rejectedById),
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
    resultRevisions: r.resultRevisions == null ? null : asStrings(r.resultRevisions),
    // BigInt in the store (a dump may pass 2 GB); a number here (JSON has no BigInt, and 2^53 bytes is far off).
    backup: r.backupFile || r.backupCommand ? { file: r.backupFile, bytes: r.backupBytes === null ? null : Number(r.backupBytes), restoreCommand: r.backupRestoreCommand, command: r.backupCommand } : null,
  }));
}

/** One run as the browser sees it (gates, preview, outcome; never a URL). */
export async function getRunOrThrow(db: PrismaClient, runId: string): Promise<RunView & { approvers: string[] }> {
  const row = await db.run.findUnique({ where: { id: runId }, include: INCLUDE }).catch(() => null);
  if (!row) throw new AppError("not-found", `run ${runId} not found`, `Run ${runId} does not exist.`);
  const [view] = await toViews(db, [row]);
  return { ...view!, approvers: asStrings(row.environment.approvers) };
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
  return toViews(db, rows);
}
