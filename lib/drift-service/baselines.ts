import "server-only";
/**
 * Schema baselines: what an environment's schema looked like when it reached a set of revisions
 * (after a run, at sign-off, or recorded by hand). Drift detection compares later snapshots with them.
 */
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
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
