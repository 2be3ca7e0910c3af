import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { detectDrift, revisionKeyOf, type DriftEnvironmentInput, type DriftFinding } from "@/lib/drift/detect-drift";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { countEnvironmentDrift } from "@/lib/drift/count-environment-drift";
import { latestBaseline } from "@/lib/drift-service/baselines";
import { environmentsOf } from "@/lib/drift-service/describe-drift-finding";
import { readLiveSchema } from "@/lib/drift-service/read-live-environment";
import { loadProjectWithGraph, type UrlOptions } from "@/lib/projects/load-project";

/** One environment as the drift page shows it. No URL, no credential. */
export interface EnvironmentDrift {
  name: string;
  protected: boolean;
  /** Applied revisions; null when the version table could not be read. */
  revisions: string[] | null;
  /** sha256 of the normalised schema; null when it could not be read. */
  fingerprint: string | null;
  /** Why the schema (or version table) could not be read. */
  error: string | null;
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

/**
 * Schema drift across a project: every environment's live schema read in parallel (each within its
 * own timeout), compared with the environments at the same revisions and with the latest baseline
 * recorded for its revisions.
 */
export async function detectProjectDrift(db: PrismaClient, projectName: string, opts: UrlOptions = {}): Promise<ProjectDrift> {
  const { project, environments: loaded, rootDir } = await loadProjectWithGraph(db, projectName, opts);
  const checkedAt = new Date().toISOString();
  const reads = await Promise.all(
    loaded.map(async (env) => {
      const live = await readLiveSchema(env, rootDir);
      const baseline = live.ok ? await latestBaseline(db, env.id, live.revisions) : null;
      return { env, live, baseline };
    }),
  );

  const inputs: DriftEnvironmentInput[] = [];
  for (const { env, live, baseline } of reads) {
    if (!live.ok || !live.snapshot.ok) continue;
    inputs.push({ name: env.name, revisions: live.revisions, snapshot: live.snapshot.snapshot, baseline });
  }
  const findings = detectDrift(inputs);

  const keyOf = new Map(inputs.map((i) => [i.name, revisionKeyOf(i.revisions)]));
  const counts = countEnvironmentDrift(findings, new Set(inputs.filter((i) => i.baseline).map((i) => i.name)));
  const environments = reads.map(({ env, live, baseline }): EnvironmentDrift => {
    const fingerprint = live.ok && live.snapshot.ok ? fingerprintSnapshot(live.snapshot.snapshot) : null;
    const error = !live.ok ? live.message : !live.snapshot.ok ? `Cairn could not read ${env.name}'s schema (${live.snapshot.message})` : null;
    const key = keyOf.get(env.name);
    const peers = key === undefined ? [] : [...keyOf].filter(([name, k]) => k === key && name !== env.name).map(([name]) => name);
    const mine = findings.filter((f) => environmentsOf(f).includes(env.name));
    const charged = counts.get(env.name);
    const checked = fingerprint !== null && (baseline !== null || peers.length > 0);
    return {
      name: env.name,
      protected: env.protected,
      revisions: live.ok ? live.revisions : null,
      fingerprint,
      error,
      baseline: baseline
        ? { id: baseline.id, createdAt: baseline.createdAt.toISOString(), source: baseline.source, fingerprint: baseline.fingerprint, matches: fingerprint !== null && !mine.some((f) => f.kind === "baseline-differs") }
        : null,
      peers,
      differences: checked ? (charged?.differences.length ?? 0) : null,
      differsFrom: checked ? (charged?.against ?? []) : [],
    };
  });
  return { project: project.name, checkedAt, environments, findings };
}

/**
 * The drift gate's fact for one environment: how many distinct differences are charged to it (against
 * its baseline, or its neighbour at the same revisions in the promotion order) and what they are
 * against; null when it could not be checked.
 */
export async function readEnvironmentDriftFact(db: PrismaClient, projectName: string, environmentName: string, opts: UrlOptions = {}): Promise<{ findings: number; against: string[] } | null> {
  const drift = await detectProjectDrift(db, projectName, opts);
  const env = drift.environments.find((e) => e.name === environmentName);
  if (!env || env.differences === null) return null;
  return { findings: env.differences, against: env.differsFrom };
}
