import "server-only";
/**
 * Stored schema readings (SchemaReading): an environment's version table and schema as Cairn last read
 * them, with when and how long it took. Pages, the drift summary and the drift of the environments a
 * plan does not target read the newest stored reading instead of every target database on each request.
 */
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { isDueForReading } from "@/lib/drift/reading-age";
import { ZSchemaSnapshot, type SchemaSnapshot } from "@/lib/drift/types";
import { readLiveRevisions } from "@/lib/drift-service/read-live-environment";
import type { LoadedEnvironment } from "@/lib/projects/load-project";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { asStrings } from "@/lib/revision-lists";
import { setBounded } from "@/lib/bounded-map";
import { schemaReadIntervalMs } from "@/lib/drift-service/schema-read-interval";

type Db = PrismaClient | Prisma.TransactionClient;

/** What asked for a reading. */
export type ReadingTrigger = "run" | "stamp" | "schedule" | "demand" | "plan" | "baseline";

/** One reading of an environment, taken now or loaded from the store. No URL, no credential. */
export interface SchemaReading {
  environmentId: string;
  readAt: Date;
  durationMs: number;
  /** Applied revisions; null when the version table could not be read. */
  revisions: string[] | null;
  /** Null when the schema (or the version table) could not be read; `error` says why. */
  snapshot: SchemaSnapshot | null;
  fingerprint: string | null;
  error: string | null;
}

/** A reading as stored. */
export interface StoredSchemaReading extends SchemaReading {
  id: string;
  trigger: ReadingTrigger;
}

/** Readings kept per environment: the newest is what pages read; a few more say when it last changed. */
const KEEP_READINGS = 10;

/**
 * Reads an environment's version table and schema now, each within its own timeout. `revisions`, when
 * given, are the ones the caller has just read from the version table (a plan): only the schema is read.
 */
export async function readSchemaNow(env: LoadedEnvironment, rootDir: string, known?: { url: string; revisions: string[] }): Promise<SchemaReading> {
  const readAt = new Date();
  const started = performance.now();
  const done = (r: Pick<SchemaReading, "revisions" | "snapshot" | "error">): SchemaReading => ({
    environmentId: env.id,
    readAt,
    durationMs: Math.round(performance.now() - started),
    fingerprint: r.snapshot ? fingerprintSnapshot(r.snapshot) : null,
    ...r,
  });
  const live = known ? ({ ok: true, ...known } as const) : await readLiveRevisions(env, rootDir);
  if (!live.ok) return done({ revisions: null, snapshot: null, error: live.message });
  const read = await readEnvironmentSnapshot({ url: live.url, baseDir: rootDir, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs });
  if (!read.ok) return done({ revisions: live.revisions, snapshot: null, error: `Cairn could not read ${env.name}'s schema (${read.message})` });
  return done({ revisions: live.revisions, snapshot: read.snapshot, error: null });
}

/** Stores a reading (and forgets all but the newest KEEP_READINGS of its environment). */
export async function recordSchemaReading(db: Db, reading: SchemaReading, trigger: ReadingTrigger): Promise<StoredSchemaReading> {
  const row = await db.schemaReading.create({
    data: {
      environmentId: reading.environmentId,
      readAt: reading.readAt,
      durationMs: reading.durationMs,
      trigger,
      ok: reading.snapshot !== null,
      revisions: reading.revisions ?? undefined,
      fingerprint: reading.fingerprint,
      snapshot: (reading.snapshot ?? undefined) as Prisma.InputJsonValue | undefined,
      error: reading.error,
    },
    select: { id: true },
  });
  setBounded(snapshotCache, row.id, reading.snapshot, MAX_CACHED);
  const old = await db.schemaReading.findMany({ where: { environmentId: reading.environmentId }, orderBy: [{ readAt: "desc" }, { id: "desc" }], skip: KEEP_READINGS, select: { id: true } });
  if (old.length) await db.schemaReading.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  return { ...reading, id: row.id, trigger };
}

/** Reads an environment's schema now and stores the reading. Never throws for an unreachable database: the failure is the reading. */
export async function takeSchemaReading(db: PrismaClient, env: LoadedEnvironment, rootDir: string, trigger: ReadingTrigger): Promise<StoredSchemaReading> {
  return recordSchemaReading(db, await readSchemaNow(env, rootDir), trigger);
}

/**
 * Parsed snapshots by reading id. Rows are never updated, so an entry never goes out of date, on any
 * instance; a 500-table snapshot is ~1 MB of JSON, so each is fetched and parsed once, not per page view.
 */
const snapshotCache = new Map<string, SchemaSnapshot | null>();
const MAX_CACHED = 256;

interface ReadingMeta {
  id: string;
  environmentId: string;
  readAt: Date;
  durationMs: number;
  trigger: string;
  ok: boolean;
  revisions: unknown;
  fingerprint: string | null;
  error: string | null;
}

/** The newest stored reading of each environment, by environment id (none for one never read). */
export async function latestSchemaReadings(db: PrismaClient, environmentIds: string[]): Promise<Map<string, StoredSchemaReading>> {
  if (environmentIds.length === 0) return new Map();
  // One query for the newest row of each environment, without the snapshots; those come from the cache or one more query.
  const rows = await db.$queryRaw<ReadingMeta[]>`
    SELECT DISTINCT ON ("environmentId") "id", "environmentId", "readAt", "durationMs", "trigger", "ok", "revisions", "fingerprint", "error"
    FROM "SchemaReading" WHERE "environmentId" IN (${Prisma.join(environmentIds)})
    ORDER BY "environmentId", "readAt" DESC, "id" DESC`;
  const missing = rows.filter((r) => r.ok && !snapshotCache.has(r.id)).map((r) => r.id);
  if (missing.length) {
    for (const s of await db.schemaReading.findMany({ where: { id: { in: missing } }, select: { id: true, snapshot: true } })) {
      const parsed = ZSchemaSnapshot.safeParse(s.snapshot);
      setBounded(snapshotCache, s.id, parsed.success ? parsed.data : null, MAX_CACHED);
    }
  }
  const out = new Map<string, StoredSchemaReading>();
  for (const r of rows) {
    const snapshot = r.ok ? (snapshotCache.get(r.id) ?? null) : null;
    out.set(r.environmentId, {
      id: r.id,
      environmentId: r.environmentId,
      readAt: new Date(r.readAt),
      durationMs: r.durationMs,
      trigger: r.trigger as ReadingTrigger,
      revisions: r.revisions == null ? null : asStrings(r.revisions),
      snapshot,
      fingerprint: snapshot ? r.fingerprint : null,
      error: snapshot || !r.ok ? r.error : "The stored schema reading could not be parsed; read the schema again.",
    });
  }
  return out;
}

/** The environments the background should read now (never read, or last read longer ago than the interval plus their jitter), across every project. */
export async function environmentsDueForReading(db: PrismaClient, now: number = Date.now(), intervalMs: number = schemaReadIntervalMs()): Promise<Array<{ project: string; environment: string; environmentId: string }>> {
  const [envs, latest] = await Promise.all([
    db.environment.findMany({ select: { id: true, name: true, project: { select: { name: true } } }, orderBy: [{ projectId: "asc" }, { position: "asc" }] }),
    db.schemaReading.groupBy({ by: ["environmentId"], _max: { readAt: true } }),
  ]);
  const lastRead = new Map(latest.map((l) => [l.environmentId, l._max.readAt]));
  return envs.filter((e) => isDueForReading(e.id, lastRead.get(e.id) ?? null, now, intervalMs)).map((e) => ({ project: e.project.name, environment: e.name, environmentId: e.id }));
}

/** Whether one environment is due for its background reading (as environmentsDueForReading decides). */
export async function isEnvironmentDueForReading(db: PrismaClient, environmentId: string, now: number = Date.now(), intervalMs: number = schemaReadIntervalMs()): Promise<boolean> {
  const last = await db.schemaReading.findFirst({ where: { environmentId }, orderBy: { readAt: "desc" }, select: { readAt: true } });
  return isDueForReading(environmentId, last?.readAt ?? null, now, intervalMs);
}
