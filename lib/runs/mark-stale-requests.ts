import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { revisionsText, sameSet } from "@/lib/revision-lists";
import type { UrlOptions } from "@/lib/projects/load-project";
import { emitRunEvent } from "@/lib/webhooks/emit-run-event";

type Db = PrismaClient | Prisma.TransactionClient;

/** What the stale-request machinery was doing when it noticed: kept in the audit row. */
export type StaleNoticedWhen = "plan" | "request" | "approve" | "read" | "run-finished";

/** The plain-words reason a request went stale; also the headline of an approval refused for it. */
export function staleMessage(environment: string, was: readonly string[], now: readonly string[]): string {
  return `${environment} moved from ${revisionsText(was)} to ${revisionsText(now)} after this was requested; request again. The SQL that was reviewed started from ${revisionsText(was)}, so it is not what would run now.`;
}

type MarkStaleInput = {
  environment: { id: string; name: string; projectId: string };
  /** The environment's revisions, as just read from its version table. */
  current: readonly string[];
  noticedWhen: StaleNoticedWhen;
  noticedBy?: string;
  /** Only these runs (default: every awaiting request on the environment). */
  runIds?: readonly string[];
  /** Only requests made before `current` was read (a newer request may start from a newer state). */
  requestedBefore?: Date;
};

async function staleCandidates(db: Db, i: MarkStaleInput) {
  const rows = await db.run.findMany({
    where: {
      environmentId: i.environment.id,
      status: "awaiting_approval",
      ...(i.runIds ? { id: { in: [...i.runIds] } } : {}),
      ...(i.requestedBefore ? { createdAt: { lt: i.requestedBefore } } : {}),
    },
    select: { id: true, fromRevisions: true, target: true },
  });
  return rows.filter((r) => !sameSet(r.fromRevisions, i.current));
}

/**
 * Marks `stale` every request awaiting approval on this environment whose starting point
 * (Run.fromRevisions) differs from `current`. A stale request can never be approved and no longer
 * counts as open, so a new one can be made. Each change and its audit row ("run.stale", by the
 * system, with what noticed it) commit together; the update is conditional on `awaiting_approval`,
 * so a request approved or cancelled meanwhile is left alone. Returns the ids marked.
 */
export async function markStaleRequests(db: PrismaClient, i: MarkStaleInput): Promise<string[]> {
  const marked: string[] = [];
  for (const r of await staleCandidates(db, i)) {
    if (await db.$transaction((tx) => markOne(tx, i, r))) marked.push(r.id);
  }
  return marked;
}

/** The same, inside a transaction the caller already holds (request-run). */
export async function markStaleRequestsIn(tx: Prisma.TransactionClient, i: MarkStaleInput): Promise<string[]> {
  const marked: string[] = [];
  for (const r of await staleCandidates(tx, i)) {
    if (await markOne(tx, i, r)) marked.push(r.id);
  }
  return marked;
}

async function markOne(tx: Db, i: MarkStaleInput, r: { id: string; fromRevisions: string[]; target: string }): Promise<boolean> {
  const was = r.fromRevisions;
  return markRequestStaleIn(tx, {
    environment: i.environment,
    run: r,
    why: staleMessage(i.environment.name, was, i.current),
    details: { requestedFrom: was, environmentNow: [...i.current], noticedWhen: i.noticedWhen, ...(i.noticedBy ? { noticedBy: i.noticedBy } : {}) },
  });
}

/**
 * Marks one request awaiting approval `stale` with the reason its requester and approvers will see,
 * its audit row ("run.stale", by the system) and its webhook event (run.stale), together.
 * Conditional on `awaiting_approval`: false when it was decided or withdrawn meanwhile.
 */
async function markRequestStaleIn(tx: Db, i: { environment: MarkStaleInput["environment"]; run: { id: string; fromRevisions: string[]; target: string }; why: string; details: Record<string, unknown> }): Promise<boolean> {
  const { count } = await tx.run.updateMany({ where: { id: i.run.id, status: "awaiting_approval" }, data: { status: "stale", finishedAt: new Date(), errorTail: i.why } });
  if (count !== 1) return false;
  await recordAudit(tx, {
    actor: { label: "system" },
    action: "run.stale",
    projectId: i.environment.projectId,
    environmentId: i.environment.id,
    environment: i.environment.name,
    runId: i.run.id,
    fromRevision: i.run.fromRevisions.join(",") || null,
    toRevision: i.run.target,
    outcome: "stale",
    details: i.details,
  });
  await emitRunEvent(tx, "run.stale", i.run.id, { actor: null, reason: i.why });
  return true;
}

/** The same for one request, in a transaction of its own (approve-run: its files changed since the request). */
export async function markRequestStale(db: PrismaClient, i: Parameters<typeof markRequestStaleIn>[1]): Promise<boolean> {
  return db.$transaction((tx) => markRequestStaleIn(tx, i));
}

// A run page polls every 1.5 s while it waits: read each environment at most this often per request.
const RECHECK_MS = 5_000;
const state = globalThis as unknown as { __cairnStaleChecks?: Map<string, number> };
const lastChecked = (state.__cairnStaleChecks ??= new Map());

/**
 * Reads the version table of every environment that has a request awaiting approval (among the
 * runs named, or the project/environment given) and marks stale those whose starting point no
 * longer matches. Used where runs are shown (run page, run list, environment page), so a request
 * whose environment was moved outside Cairn is seen as stale. Never throws: an environment that
 * cannot be read is left as it is (unreachable is not "moved").
 */
export async function refreshStaleRequests(db: PrismaClient, where: { runIds?: string[]; project?: string; environment?: string }, opts: UrlOptions & { noticedBy?: string } = {}): Promise<string[]> {
  try {
    const awaiting = await db.run.findMany({
      where: {
        status: "awaiting_approval",
        ...(where.runIds ? { id: { in: where.runIds } } : {}),
        ...(where.project ? { project: { name: where.project } } : {}),
        ...(where.environment ? { environment: { name: where.environment } } : {}),
      },
      select: { id: true, environment: true, project: { select: { alembicPath: true } } },
      take: 200,
    });
    const now = Date.now();
    const due = awaiting.filter((r) => now - (lastChecked.get(r.id) ?? 0) >= RECHECK_MS);
    const byEnv = new Map<string, typeof due>();
    for (const r of due) byEnv.set(r.environment.id, [...(byEnv.get(r.environment.id) ?? []), r]);
    const marked = await Promise.all(
      [...byEnv.values()].map(async (runs) => {
        const { environment: env, project } = runs[0]!;
        for (const r of runs) lastChecked.set(r.id, now);
        const url = resolveEnvironmentUrl(env, { key: opts.key, env: opts.env });
        if (!url.ok) return [];
        let rootDir: string;
        try {
          // Only the config is read (relative SQLite paths resolve against it), not the migrations.
          rootDir = findAlembicLocation(project.alembicPath).rootDir;
        } catch {
          return [];
        }
        const read = await readVersionTable({ url: url.url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs, baseDir: rootDir });
        if (!read.ok) return [];
        return markStaleRequests(db, {
          environment: { id: env.id, name: env.name, projectId: env.projectId },
          current: read.tableExists ? read.revisions : [],
          noticedWhen: "read",
          noticedBy: opts.noticedBy,
          runIds: runs.map((r) => r.id),
          requestedBefore: new Date(now),
        });
      }),
    );
    if (lastChecked.size > 10_000) lastChecked.clear();
    return marked.flat();
  } catch (e) {
    console.error("[cairn] could not check requests awaiting approval for staleness:", e instanceof Error ? e.message : "unknown error");
    return [];
  }
}
