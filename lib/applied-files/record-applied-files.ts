import "server-only";
import path from "node:path";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import type { RevisionGraph } from "@/lib/graph/types";
import { ancestorsOf } from "@/lib/graph/describe-history";
import { hashMigrationFilesAsync } from "@/lib/project-graph/read-project-graph";
import { nextTurn } from "@/lib/server/background";

type Db = PrismaClient | Prisma.TransactionClient;

/** A revision's file, hashed now: what a run is about to record or what Cairn sees applied. */
export interface HashedFile {
  revision: string;
  file: string;
  sha256: string;
}

/** Hashes each revision's file (absolute paths in, paths relative to rootDir out), off the event loop; unreadable files are left out. */
export async function hashRevisionFiles(rootDir: string, files: { revision: string; path: string | undefined }[]): Promise<HashedFile[]> {
  const hashes = await hashMigrationFilesAsync(files.map((f) => f.path));
  const out: HashedFile[] = [];
  files.forEach((f, i) => {
    const sha256 = hashes[i];
    if (f.path && sha256) out.push({ revision: f.revision, file: path.relative(rootDir, f.path), sha256 });
  });
  return out;
}

/**
 * A run applied `applied` (their files as hashed when it ended) and removed `removed` (a downgrade): the
 * former are recorded afresh (a re-applied revision gets its file's new hash), the latter forgotten.
 */
export async function recordRunAppliedFiles(db: Db, o: { environmentId: string; runId: string; applied: HashedFile[]; removed: string[] }): Promise<void> {
  if (o.removed.length) await db.appliedFile.deleteMany({ where: { environmentId: o.environmentId, revision: { in: o.removed } } });
  for (const f of o.applied) {
    const data = { sha256: f.sha256, file: f.file, source: "run", runId: o.runId, appliedAt: new Date() };
    await db.appliedFile.upsert({ where: { environmentId_revision: { environmentId: o.environmentId, revision: f.revision } }, create: { environmentId: o.environmentId, revision: f.revision, ...data }, update: data });
  }
}

/**
 * Per graph read (a new graph object when any file changes) and environment: the version table's rows an
 * observation in this process last left the store exactly matching (a row for every applied revision, no
 * other row), with that row count. The overview observes every environment on every visit; for 20
 * environments on a 2,000-revision chain that was 20 × (a 2,000-id delete, a 2,000-row read) per visit,
 * the same answer every time.
 */
const lastObserved = new WeakMap<object, Map<string, string>>();

/**
 * Revisions applied on an environment that Cairn has no hash for (applied outside Cairn, or before Cairn
 * recorded hashes): their files are hashed as they are now, the first time Cairn sees them applied. The
 * version table's rows (read at `readAt`) and every ancestor count as applied. Only the missing ones are read;
 * rows of revisions no longer applied are dropped. Nothing is done when this process's last observation of
 * the same rows against the same graph left the store holding exactly the applied revisions and it still
 * holds that many rows (a run, a downgrade or another instance changes the count; an observation that
 * had to keep other rows, recorded after its reading began, is never taken as settled).
 */
export async function recordObservedAppliedFiles(db: PrismaClient, o: { environmentId: string; revisions: string[]; readAt: Date; graph: Pick<RevisionGraph, "revisions" | "history">; rootDir: string }): Promise<number> {
  const stored = await db.appliedFile.count({ where: { environmentId: o.environmentId } });
  const reading = [...o.revisions].sort().join(",");
  let seen = lastObserved.get(o.graph);
  if (!seen) lastObserved.set(o.graph, (seen = new Map()));
  if (seen.get(o.environmentId) === `${stored}|${reading}`) return 0;
  const { added, exactly } = await observeAppliedFiles(db, o);
  if (exactly === null) seen.delete(o.environmentId);
  else seen.set(o.environmentId, `${exactly}|${reading}`);
  return added;
}

/** Records and drops as described above; `exactly` is the row count when the store now holds a row for every applied revision and no other, else null. */
async function observeAppliedFiles(
  db: PrismaClient,
  o: { environmentId: string; revisions: string[]; readAt: Date; graph: Pick<RevisionGraph, "revisions" | "history">; rootDir: string },
): Promise<{ added: number; exactly: number | null }> {
  const applied = new Set<string>();
  for (const r of o.revisions) {
    if (!o.graph.revisions.has(r)) continue;
    applied.add(r);
    for (const a of ancestorsOf(o.graph as RevisionGraph, r)) applied.add(a);
  }
  // What is no longer applied (a downgrade or a stamp, in Cairn or outside it) has no file the database could miss.
  // A row whose file is gone hides its lineage: then nothing is dropped, so its removed file stays flagged.
  // Only rows recorded before the version table was read: a run may have recorded more since (another request,
  // another instance), and a read that predates it must not forget it. An empty reading (no table, or one a
  // wrong version_table_schema hides) drops nothing: a run's own downgrade forgets what it removed.
  if (o.revisions.length > 0 && o.revisions.every((r) => o.graph.revisions.has(r))) {
    // One array parameter rather than one per applied revision (Prisma's notIn): 5,000 of them held the event loop on the embedded store.
    await db.$executeRaw`DELETE FROM "AppliedFile" WHERE "environmentId" = ${o.environmentId} AND "appliedAt" < ${utc(o.readAt)} AND NOT ("revision" = ANY(${[...applied]}::text[]))`;
  }
  if (applied.size === 0) return { added: 0, exactly: null };
  const known = new Set((await db.appliedFile.findMany({ where: { environmentId: o.environmentId }, select: { revision: true } })).map((k) => k.revision));
  const missing = [...applied].filter((r) => !known.has(r));
  const onlyApplied = [...known].every((r) => applied.has(r));
  if (missing.length === 0) return { added: 0, exactly: onlyApplied ? applied.size : null };
  const hashed = await hashRevisionFiles(
    o.rootDir,
    missing.map((r) => ({ revision: r, path: o.graph.revisions.get(r)?.path })),
  );
  const count = await insertObserved(db, o.environmentId, hashed);
  return { added: count, exactly: onlyApplied && count === missing.length ? applied.size : null };
}

/** A time as Prisma keeps DateTime in PostgreSQL's timestamp columns (UTC, without a zone), whatever the session's time zone. */
function utc(d: Date): Prisma.Sql {
  return Prisma.sql`(CAST(${d.toISOString()} AS timestamptz) AT TIME ZONE 'UTC')`;
}

/** Rows per INSERT of first sightings; between two, other requests get the event loop. */
const INSERT_CHUNK = 500;

/**
 * Inserts first sightings (source "observed"), skipping a revision another request or instance recorded
 * meanwhile; the number inserted. Each chunk is one statement whose three columns travel as arrays: the
 * same rows as Prisma's createMany with 6 parameters each held the embedded store (WebAssembly PostgreSQL
 * on the server's own thread) and every page and /api/health for 2–3 s for a 5,000-revision project.
 */
async function insertObserved(db: PrismaClient, environmentId: string, rows: HashedFile[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    if (i > 0) await nextTurn();
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    inserted += await db.$executeRaw`
      INSERT INTO "AppliedFile" ("environmentId", "revision", "sha256", "file", "source", "appliedAt")
      SELECT ${environmentId}, r.revision, r.sha256, r.file, 'observed', ${utc(new Date())}
      FROM unnest(${chunk.map((h) => h.revision)}::text[], ${chunk.map((h) => h.sha256)}::text[], ${chunk.map((h) => h.file)}::text[]) AS r(revision, sha256, file)
      ON CONFLICT DO NOTHING`;
  }
  return inserted;
}
