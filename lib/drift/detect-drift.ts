/**
 * Finds environments whose version table and schema disagree: two environments at the same revisions
 * with different schemas, or an environment whose schema no longer matches the baseline recorded when
 * it reached its revisions (a hand-applied hotfix, an edited migration, a half-applied one).
 */
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { normalizeSnapshot, type NormalizedSnapshot } from "@/lib/drift/normalize-snapshot";
import type { DriftDifference, SchemaSnapshot } from "@/lib/drift/types";

export interface DriftEnvironmentInput {
  name: string;
  /** Applied revisions from the version table. */
  revisions: string[];
  /** Null when the schema could not be read (such environments are skipped). */
  snapshot: SchemaSnapshot | null;
  /** The baseline recorded for exactly these revisions, if any. */
  baseline?: { snapshot: SchemaSnapshot; fingerprint: string; createdAt: Date | string } | null;
}

export type DriftFinding =
  | {
      kind: "environments-differ";
      /** Sorted revisions joined by ",". */
      revisionKey: string;
      /** The environment compared against (the one before in input order, i.e. promotion order) and the one that differs. */
      left: string;
      right: string;
      differences: DriftDifference[];
      message: string;
    }
  | {
      kind: "baseline-differs";
      revisionKey: string;
      environment: string;
      baselineCreatedAt: string;
      differences: DriftDifference[];
      message: string;
    };

export function revisionKeyOf(revisions: readonly string[]): string {
  return [...revisions].sort().join(",");
}

function describeRevisions(key: string): string {
  return key === "" ? "no revision" : key.includes(",") ? `revisions ${key}` : `revision ${key}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function detectDrift(environments: readonly DriftEnvironmentInput[]): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const prepared = environments
    .filter((e): e is DriftEnvironmentInput & { snapshot: SchemaSnapshot } => e.snapshot !== null)
    .map((e) => {
      const normalized = normalizeSnapshot(e.snapshot);
      return { env: e, normalized, fingerprint: fingerprintSnapshot(normalized), revisionKey: revisionKeyOf(e.revisions) };
    });

  // Same revisions, different schema: each environment against its neighbour before it in the
  // promotion order (the input order) among those at the same revisions — production against
  // staging, not against qa — so a finding names what the environment was promoted from.
  const byRevision = new Map<string, typeof prepared>();
  for (const p of prepared) {
    const group = byRevision.get(p.revisionKey) ?? [];
    group.push(p);
    byRevision.set(p.revisionKey, group);
  }
  for (const [revisionKey, group] of byRevision) {
    for (const [i, other] of group.entries()) {
      if (i === 0) continue;
      const reference = group[i - 1]!;
      if (other.fingerprint === reference.fingerprint) continue;
      const differences = diffSnapshots(reference.normalized, other.normalized, { left: reference.env.name, right: other.env.name });
      if (differences.length === 0) continue;
      findings.push({
        kind: "environments-differ",
        revisionKey,
        left: reference.env.name,
        right: other.env.name,
        differences,
        message: `${reference.env.name} and ${other.env.name} are both at ${describeRevisions(revisionKey)} but their schemas differ (${plural(differences.length, "difference")})`,
      });
    }
  }

  // Schema moved away from what it was when it reached these revisions.
  for (const p of prepared) {
    const b = p.env.baseline;
    if (!b) continue;
    if (b.fingerprint === p.fingerprint) continue;
    const baseline: NormalizedSnapshot = normalizeSnapshot(b.snapshot);
    // The stored fingerprint may predate a change in normalisation; the diff is the judge.
    if (fingerprintSnapshot(baseline) === p.fingerprint) continue;
    const differences = diffSnapshots(baseline, p.normalized, { left: "baseline", right: p.env.name });
    if (differences.length === 0) continue;
    const createdAt = typeof b.createdAt === "string" ? b.createdAt : b.createdAt.toISOString();
    findings.push({
      kind: "baseline-differs",
      revisionKey: p.revisionKey,
      environment: p.env.name,
      baselineCreatedAt: createdAt,
      differences,
      message: `${p.env.name} differs from the baseline recorded at ${describeRevisions(p.revisionKey)} on ${createdAt} (${plural(differences.length, "difference")})`,
    });
  }
  return findings;
}
