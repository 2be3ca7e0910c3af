import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import { sameSet } from "@/lib/revision-lists";
import { setBounded } from "@/lib/bounded-map";
import { emitEvent } from "@/lib/webhooks/emit-event";
import { publicBaseUrl } from "@/lib/webhooks/emit-run-event";

/**
 * How long a read that lacks a recorded head is taken for one from older files (an instance not yet
 * redeployed) rather than a head whose file was deleted: during a rolling deploy the old instances'
 * reads must neither undo what the new ones recorded nor make them announce the same head again.
 */
const BEHIND_GRACE_MS = 60 * 60_000;

/**
 * Compares the heads of a project's graph, as just read from its files, with the heads Cairn last
 * saw (Project.knownHeads) and records them. When a head appeared that was not there before (a new
 * migration on a branch, a second branch, a merge), tells the webhooks: graph.new_head, in the
 * transaction that records the new heads. That update is conditional on the heads it replaces, so
 * of several instances (or requests) reading the same change at once exactly one notifies. The
 * first reading of a project only records its heads. Returns the new heads it notified about.
 */
export async function noticeNewHeads(db: PrismaClient, project: { id: string; name: string }, graph: Pick<RevisionGraph, "heads" | "revisions">): Promise<string[]> {
  const stored = await db.project.findUnique({ where: { id: project.id }, select: { knownHeads: true, headsSeenAt: true } });
  if (!stored) return [];
  const heads = [...new Set(graph.heads)].sort();
  const known = stored.knownHeads;
  if (stored.headsSeenAt && sameSet(known, heads)) return [];
  // A read that lacks a known head (its file deleted, mid-write, mid-checkout, an instance with older
  // files) announces nothing: the heads it shows may be older revisions. Within the grace it records
  // nothing either; after it, the missing heads are kept among the known ones, so that their file
  // coming back is no news — and dropped by the next such read past the grace.
  const missing = known.filter((h) => !graph.revisions.has(h));
  const behind = stored.headsSeenAt !== null && missing.length > 0;
  if (behind && Date.now() - stored.headsSeenAt!.getTime() < BEHIND_GRACE_MS) return [];
  const keepMissing = behind && heads.some((h) => !known.includes(h));
  const record = keepMissing ? [...new Set([...heads, ...missing])].sort() : heads;
  const added = stored.headsSeenAt && !behind ? heads.filter((h) => !known.includes(h)) : [];
  return db.$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({
      where: { id: project.id, knownHeads: { equals: known }, headsSeenAt: stored.headsSeenAt ? { not: null } : null },
      data: { knownHeads: record, headsSeenAt: new Date() },
    });
    // Another instance recorded this change first (and notified), or the heads moved again meanwhile.
    if (count !== 1 || added.length === 0) return [];
    const { summary, data } = describeNewHeads(project.name, graph, heads, known, added);
    await emitEvent(tx, { projectId: project.id, event: "graph.new_head", summary, data });
    return added;
  });
}

/** "new head i9 (add invoices), after d4 — 3 heads now: f6, h8, i9". */
function describeNewHeads(projectName: string, graph: Pick<RevisionGraph, "revisions">, heads: string[], previous: string[], added: string[]): { summary: string; data: Record<string, unknown> } {
  const described = added.map((id) => {
    const node = graph.revisions.get(id);
    const message = (node?.message ?? "").split("\n")[0]!.trim();
    return { revision: id, message: message.length > 120 ? `${message.slice(0, 119)}…` : message, downRevisions: node?.downRevisions ?? [] };
  });
  const one = (h: (typeof described)[number]) => `${h.revision}${h.message ? ` (${h.message})` : ""}${h.downRevisions.length ? `, after ${h.downRevisions.join(" and ")}` : ""}`;
  const summary = `new head${added.length > 1 ? "s" : ""} ${described.map(one).join("; ")}${heads.length > 1 ? ` — ${heads.length} heads now: ${heads.join(", ")}` : ""}`;
  const link = `/projects/${encodeURIComponent(projectName)}/graph`;
  const base = publicBaseUrl();
  return { summary, data: { heads, previousHeads: previous, newHeads: described, link, ...(base ? { url: `${base}${link}` } : {}) } };
}

const state = globalThis as unknown as { __cairnHeadsNoticed?: Map<string, number> };
const noticedVersions = (state.__cairnHeadsNoticed ??= new Map());

/**
 * noticeNewHeads for a page or poll that just read the graph, once per graph version (the overview
 * polls every few seconds and reads its graph from a cache: only a fresh read can hold a new head).
 * Never throws: a page is never refused because its project's heads could not be recorded.
 */
export async function noticeNewHeadsOnRead(db: PrismaClient, project: { id: string; name: string }, graph: Pick<RevisionGraph, "heads" | "revisions">, version?: number): Promise<void> {
  if (version !== undefined && noticedVersions.get(project.id) === version) return;
  try {
    await noticeNewHeads(db, project, graph);
    if (version !== undefined) setBounded(noticedVersions, project.id, version, 1000);
  } catch (e) {
    console.warn(`[cairn] could not record the heads of project ${project.name}:`, e instanceof Error ? e.message : String(e));
  }
}
