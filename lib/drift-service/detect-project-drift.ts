import "server-only";
import type { Environment, PrismaClient } from "@/lib/generated/prisma/client";
import { detectDrift, revisionKeyOf, type DriftEnvironmentInput, type DriftFinding } from "@/lib/drift/detect-drift";
import { countEnvironmentDrift } from "@/lib/drift/count-environment-drift";
import { isStaleReading } from "@/lib/drift/reading-age";
import { schemaReadIntervalMs } from "@/lib/drift-service/schema-read-interval";
import { latestBaselines, type Baseline } from "@/lib/drift-service/baselines";
import { environmentsOf } from "@/lib/drift-service/describe-drift-finding";
import { loadProjectWithGraph, type UrlOptions } from "@/lib/projects/load-project";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { latestSchemaReadings, recordSchemaReading, readSchemaNow, type SchemaReading, type StoredSchemaReading } from "@/lib/drift-service/schema-readings";
import { setBounded } from "@/lib/bounded-map";
import { getProjectOrThrow, type ProjectWithEnvironments } from "@/lib/projects/get-project-or-throw";

/** One environment as the drift page shows it. No URL, no credential. */
export interface EnvironmentDrift {
  name: string;
  protected: boolean;
  /** Applied revisions; null when the version table could not be read (or never was). */
  revisions: string[] | null;
  /** sha256 of the normalised schema; null when it could not be read. */
  fingerprint: string | null;
  /** Why the schema (or version table) could not be read, or that it never was. */
  error: string | null;
  /** When the reading this row shows was taken; null when the schema was never read. */
  readAt: string | null;
  /** How long that reading took. */
  readDurationMs: number | null;
  /** The reading is too old to stand for the schema now (four reading intervals): shown as such, never as current. */
  stale: boolean;
  /** The newest baseline for exactly these revisions. */
  baseline: { id: string; createdAt: string; source: string; fingerprint: string; matches: boolean } | null;
  /** Other environments at the same revisions. */
  peers: string[];
  /**
   * Distinct differences charged to this environment (each once, however many comparisons show it;
   * a clean environment others are compared with has none); null when nothing to compare it with
   * (no baseline, no peer) or unreadable.
   */
  differences: number | null;
  /** What those differences are against, in words: "its baseline", "staging at the same revision". */
  differsFrom: string[];
}

export interface ProjectDrift {
  project: string;
  checkedAt: string;
  environments: EnvironmentDrift[];
  findings: DriftFinding[];
}

export interface ProjectDriftOptions {
  /** Readings taken just now that stand for their environments instead of the stored ones (a plan's reading of its target). */
  fresh?: SchemaReading[];
  /**
   * Read now, and store, the environments never read before: a gate or a baseline compares with them.
   * Pages pass nothing: an environment never read is shown as such and left to the background.
   */
  readMissing?: { rootDir: string; opts: UrlOptions };
}

/** "production's schema has not been read yet" — the row of an environment with no stored reading. */
function neverRead(env: Environment): string {
  return `${env.name}'s schema has not been read yet; the background reads it shortly (and after each run and stamp, and on a schedule), or now with "Read now".`;
}

/**
 * Schema drift across a project from each environment's newest stored schema reading (taken in the
 * background, or by a plan): compared with the environments at the same revisions and with the latest
 * baseline recorded for its revisions. No target database is read here unless `readMissing` asks for
 * the ones never read; a reading that failed, or is stale, is shown as such.
 */
export async function detectProjectDrift(db: PrismaClient, projectName: string, o: ProjectDriftOptions = {}): Promise<ProjectDrift> {
  return driftOf(db, await getProjectOrThrow(db, projectName), o);
}

/** As detectProjectDrift, for a project already loaded. */
export async function driftOf(db: PrismaClient, project: ProjectWithEnvironments, o: ProjectDriftOptions = {}): Promise<ProjectDrift> {
  const checkedAt = new Date();
  const readings = new Map<string, SchemaReading>(
    await latestSchemaReadings(
      db,
      project.environments.map((e) => e.id),
    ),
  );
  for (const r of o.fresh ?? []) readings.set(r.environmentId, r);
  const never = project.environments.filter((e) => !readings.has(e.id));
  if (o.readMissing && never.length) {
    const { rootDir, opts } = o.readMissing;
    const read = await Promise.all(never.map(async (e) => recordSchemaReading(db, await readSchemaNow({ ...e, url: resolveEnvironmentUrl(e, opts) }, rootDir), "demand")));
    for (const r of read) readings.set(r.environmentId, r);
  }
  const baselines = await latestBaselines(
    db,
    project.environments.flatMap((e) => {
      const r = readings.get(e.id);
      return r?.snapshot && r.revisions ? [{ environmentId: e.id, revisions: r.revisions }] : [];
    }),
  );
  // Stored readings and baselines never change, so the same ones compare the same: a page view after the
  // first costs the two queries above (comparing 21 readings of 60 tables took 440 ms at load 25 on 2 cores).
  const parts: unknown[] = [];
  let keep = true;
  for (const e of project.environments) {
    const r = readings.get(e.id);
    const id = !r ? "none" : "id" in r ? (r as StoredSchemaReading).id : null;
    if (id === null) keep = false;
    parts.push([e.id, e.name, e.protected, id, baselines.get(e.id)?.id ?? null]);
  }
  const key = keep ? JSON.stringify([project.id, parts]) : null;
  const known = key ? compared.get(key) : undefined;
  const drift = known ?? compareReadings(project, readings, baselines);
  if (key && !known) {
    setBounded(compared, key, drift, MAX_COMPARED);
  }
  // Age is the only part that changes with time.
  const intervalMs = schemaReadIntervalMs();
  return {
    ...drift,
    checkedAt: checkedAt.toISOString(),
    environments: drift.environments.map((e) => ({ ...e, stale: e.readAt ? isStaleReading(e.readAt, checkedAt.getTime(), intervalMs) : false })),
  };
}

/** Comparisons of stored readings, by the readings and baselines compared (fresh readings, which have no id, are never kept). */
const compared = new Map<string, ProjectDrift>();
const MAX_COMPARED = 32;

function compareReadings(project: ProjectWithEnvironments, readings: Map<string, SchemaReading>, baselines: Map<string, Baseline>): ProjectDrift {
  const inputs: DriftEnvironmentInput[] = [];
  for (const env of project.environments) {
    const r = readings.get(env.id);
    if (!r?.snapshot || !r.revisions) continue;
    inputs.push({ name: env.name, revisions: r.revisions, snapshot: r.snapshot, baseline: baselines.get(env.id) ?? null });
  }
  const findings = detectDrift(inputs);

  const keyOf = new Map(inputs.map((i) => [i.name, revisionKeyOf(i.revisions)]));
  const counts = countEnvironmentDrift(findings, new Set(inputs.filter((i) => i.baseline).map((i) => i.name)));
  const environments = project.environments.map((env): EnvironmentDrift => {
    const r = readings.get(env.id);
    const baseline = r?.snapshot ? (baselines.get(env.id) ?? null) : null;
    const fingerprint = r?.fingerprint ?? null;
    const key = keyOf.get(env.name);
    const peers = key === undefined ? [] : [...keyOf].filter(([name, k]) => k === key && name !== env.name).map(([name]) => name);
    const mine = findings.filter((f) => environmentsOf(f).includes(env.name));
    const charged = counts.get(env.name);
    const checked = fingerprint !== null && (baseline !== null || peers.length > 0);
    return {
      name: env.name,
      protected: env.protected,
      revisions: r?.revisions ?? null,
      fingerprint,
      error: r ? r.error : neverRead(env),
      readAt: r ? r.readAt.toISOString() : null,
      readDurationMs: r ? r.durationMs : null,
      stale: false,
      baseline: baseline
        ? { id: baseline.id, createdAt: baseline.createdAt.toISOString(), source: baseline.source, fingerprint: baseline.fingerprint, matches: fingerprint !== null && !mine.some((f) => f.kind === "baseline-differs") }
        : null,
      peers,
      differences: checked ? (charged?.differences.length ?? 0) : null,
      differsFrom: checked ? (charged?.against ?? []) : [],
    };
  });
  return { project: project.name, checkedAt: "", environments, findings };
}

/** The drift gate's fact, from one environment's row: null when it could not be checked. */
export function driftFactOf(drift: ProjectDrift, environmentName: string): { findings: number; against: string[] } | null {
  const env = drift.environments.find((e) => e.name === environmentName);
  if (!env || env.differences === null) return null;
  return { findings: env.differences, against: env.differsFrom };
}

/**
 * The drift gate's fact for one environment: how many distinct differences are charged to it (against
 * its baseline, or its neighbour at the same revisions in the promotion order) and what they are
 * against; null when it could not be checked. Its schema is read now (the other environments' stored
 * readings are what it is compared with); `reading`, when given, is that reading taken already.
 */
export async function readEnvironmentDriftFact(
  db: PrismaClient,
  projectOrName: ProjectWithEnvironments | string,
  environmentName: string,
  o: { rootDir?: string; opts?: UrlOptions; reading?: Promise<SchemaReading> } = {},
): Promise<{ findings: number; against: string[] } | null> {
  const project = typeof projectOrName === "string" ? await getProjectOrThrow(db, projectOrName) : projectOrName;
  const env = project.environments.find((e) => e.name === environmentName);
  if (!env) return null;
  const opts = o.opts ?? {};
  const rootDir = o.rootDir ?? (await loadProjectWithGraph(db, project.name, opts)).rootDir;
  const reading = await recordSchemaReading(db, await (o.reading ?? readSchemaNow({ ...env, url: resolveEnvironmentUrl(env, opts) }, rootDir)), "plan");
  return driftFactOf(await driftOf(db, project, { fresh: [reading], readMissing: { rootDir, opts } }), environmentName);
}
