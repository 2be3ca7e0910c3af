import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { AuditEventView, TAuditQuery } from "@/lib/audit/audit-query.types";
import { failedSignInCounts } from "@/lib/auth/record-failed-sign-in";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Prisma filter for a query. */
async function whereOf(db: PrismaClient, q: Omit<TAuditQuery, "limit" | "cursor">): Promise<Prisma.AuditEventWhereInput> {
  const where: Prisma.AuditEventWhereInput = {};
  if (q.project) {
    // By the name kept on the row (a deleted project's rows too), and by id for a project renamed since.
    const p = await db.project.findUnique({ where: { name: q.project }, select: { id: true } });
    where.OR = p ? [{ projectId: p.id }, { project: q.project }] : [{ project: q.project }];
  }
  if (q.environment) where.environment = q.environment;
  if (q.actor) where.actor = { contains: q.actor, mode: "insensitive" };
  if (q.action) where.action = { startsWith: q.action };
  if (q.outcome) where.outcome = q.outcome;
  if (q.from || q.to) {
    where.at = {
      ...(q.from ? { gte: q.from.at } : {}),
      ...(q.to ? (q.to.dateOnly ? { lt: new Date(q.to.at.getTime() + DAY_MS) } : { lte: q.to.at }) : {}),
    };
  }
  return where;
}

async function toViews(db: PrismaClient, rows: Prisma.AuditEventModel[]): Promise<AuditEventView[]> {
  const ids = [...new Set(rows.map((r) => r.projectId).filter((x): x is string => !!x))];
  const projects = ids.length ? await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
  const names = new Map(projects.map((p) => [p.id, p.name]));
  // A refused sign-in row stands for its account's minute: show the minute's counts as they are now.
  const minuteOf = (r: Prisma.AuditEventModel) =>
    r.action === "auth.sign-in" && r.outcome === "refused" && r.details && typeof r.details === "object" && !Array.isArray(r.details) && typeof r.details.minute === "string" ? r.details.minute : null;
  const counts = await failedSignInCounts(
    db,
    rows.flatMap((r) => {
      const minute = minuteOf(r);
      return minute ? [{ actor: r.actor, minute }] : [];
    }),
  );
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    project: (r.projectId ? names.get(r.projectId) : undefined) ?? r.project,
    environment: r.environment,
    runId: r.runId,
    fromRevision: r.fromRevision,
    toRevision: r.toRevision,
    outcome: r.outcome,
    details: {
      ...(r.details && typeof r.details === "object" && !Array.isArray(r.details) ? (r.details as Record<string, unknown>) : {}),
      ...(minuteOf(r) ? counts.get(`${r.actor}|${minuteOf(r)}`) : {}),
    },
  }));
}

/** One page of the audit trail, newest first; `nextCursor` fetches the next (older) page. */
export async function listAuditEvents(db: PrismaClient, q: TAuditQuery): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const where = await whereOf(db, q);
  const rows = await db.auditEvent.findMany({
    where: q.cursor ? { AND: [where, { id: { lt: BigInt(q.cursor) } }] } : where,
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { events: await toViews(db, page), nextCursor: rows.length > q.limit ? page.at(-1)!.id.toString() : null };
}

/** Every matching row, newest first, fetched in batches (for the streamed CSV export). */
export async function* iterateAuditEvents(db: PrismaClient, q: Omit<TAuditQuery, "limit" | "cursor">, batchSize = 500): AsyncGenerator<AuditEventView[]> {
  const where = await whereOf(db, q);
  let cursor: bigint | null = null;
  for (;;) {
    const rows: Prisma.AuditEventModel[] = await db.auditEvent.findMany({
      where: cursor === null ? where : { AND: [where, { id: { lt: cursor } }] },
      orderBy: { id: "desc" },
      take: batchSize,
    });
    if (rows.length === 0) return;
    yield await toViews(db, rows);
    if (rows.length < batchSize) return;
    cursor = rows.at(-1)!.id;
  }
}
