import "server-only";
/**
 * Schema baselines: what an environment's schema looked like when it reached a set of revisions
 * (after a run, at sign-off, or recorded by hand). Drift detection compares later snapshots with them.
 */
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { setBounded } from "@/lib/bounded-map";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { revisionKeyOf } from "@/lib/drift/detect-drift";
import { ZSchemaSnapshot, type SchemaSnapshot } from "@/lib/drift/types";

type Db = PrismaClient | Prisma.TransactionClient;

export type BaselineSource = "run" | "signoff" | "manual";

export interface RecordBaselineInput {
  environmentId: string;
  /** Applied revisions (any order). */
  revisions: string[];
  snapshot: SchemaSnapshot;
  source: BaselineSource;
  createdById?: string | null;
}

export interface Baseline {
  id: string;
  environmentId: string;
  revisionKey: string;
  fingerprint: string;
  snapshot: SchemaSnapshot;
  source: BaselineSource;
  createdById: string | null;
  createdAt: Date;
}

const SOURCES: readonly BaselineSource[] = ["run", "signoff", "manual"];

export async function recordBaseline(db: Db, input: RecordBaselineInput): Promise<Baseline> {
  if (!SOURCES.includes(input.source)) {
    throw new AppError("validation", `bad baseline source ${String(input.source)}`, `Baseline source must be one of ${SOURCES.join(", ")}.`);
  }
  const parsed = ZSchemaSnapshot.safeParse(input.snapshot);
  if (!parsed.success) {
    throw new AppError("validation", `invalid schema snapshot: ${parsed.error.message}`, "The schema snapshot is malformed; take a new one and try again.");
  }
  const row = await db.schemaBaseline.create({
    data: {
      environmentId: input.environmentId,
      revisionKey: revisionKeyOf(input.revisions),
      fingerprint: fingerprintSnapshot(parsed.data),
      snapshot: parsed.data as unknown as Prisma.InputJsonValue,
      source: input.source,
      createdById: input.createdById ?? null,
    },
  });
  return toBaseline(row);
}

/** The newest baseline recorded for exactly these revisions, or null. */
export async function latestBaseline(db: Db, environmentId: string, revisions: string[]): Promise<Baseline | null> {
  const row = await db.schemaBaseline.findFirst({
    where: { environmentId, revisionKey: revisionKeyOf(revisions) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return row ? toBaseline(row) : null;
}

/**
 * The newest baseline of each environment for the revisions it holds, by environment id: one query for
 * their ids, and the snapshots of those not already parsed (rows are never updated, so a parsed one
 * stays right on every instance).
 */
export async function latestBaselines(db: Db, wanted: Array<{ environmentId: string; revisions: string[] }>): Promise<Map<string, Baseline>> {
  if (wanted.length === 0) return new Map();
  const rows = await db.schemaBaseline.findMany({
    where: { OR: wanted.map((w) => ({ environmentId: w.environmentId, revisionKey: revisionKeyOf(w.revisions) })) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, environmentId: true },
  });
  const newest = new Map<string, string>();
  for (const r of rows) if (!newest.has(r.environmentId)) newest.set(r.environmentId, r.id);
  const missing = [...newest.values()].filter((id) => !parsedBaselines.has(id));
  if (missing.length) {
    for (const row of await db.schemaBaseline.findMany({ where: { id: { in: missing } } })) {
      setBounded(parsedBaselines, row.id, toBaseline(row), MAX_PARSED_BASELINES);
    }
  }
  const out = new Map<string, Baseline>();
  for (const [environmentId, id] of newest) {
    const b = parsedBaselines.get(id);
    if (b) out.set(environmentId, b);
  }
  return out;
}

const parsedBaselines = new Map<string, Baseline>();
const MAX_PARSED_BASELINES = 256;

function toBaseline(row: Prisma.SchemaBaselineModel): Baseline {
  const snapshot = ZSchemaSnapshot.safeParse(row.snapshot);
  if (!snapshot.success) {
    throw new AppError("internal", `stored baseline ${row.id} has an unreadable snapshot: ${snapshot.error.message}`, "A stored schema baseline could not be read. Record a new baseline for this environment.");
  }
  return {
    id: row.id,
    environmentId: row.environmentId,
    revisionKey: row.revisionKey,
    fingerprint: row.fingerprint,
    snapshot: snapshot.data,
    source: row.source as BaselineSource,
    createdById: row.createdById,
    createdAt: row.createdAt,
  };
}
