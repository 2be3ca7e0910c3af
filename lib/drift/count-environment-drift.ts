/**
 * How many schema differences each environment has, and from what: each difference counted once
 * and charged to the environment that moved. One extra column on production used to read
 * "2 differences" (once against qa, once against its baseline), and the clean qa every other
 * environment was compared with carried their differences too. Pure.
 */
import type { DriftFinding } from "@/lib/drift/detect-drift";
import type { DriftDifference } from "@/lib/drift/types";

/** What one environment's schema differs from, with each distinct difference once. */
export interface EnvironmentDriftCount {
  differences: DriftDifference[];
  /** Each difference as seen from this environment (its own value first), in `differences`' order: the same drift gives the same keys whatever it was compared with. */
  keys: string[];
  /** In words, in the order found: "its baseline", "staging at the same revision". */
  against: string[];
}

/** A difference as seen from one environment: its own value and the other side's. */
function keyFrom(d: DriftDifference, side: "left" | "right"): string {
  const mine = side === "left" ? d.left : d.right;
  const theirs = side === "left" ? d.right : d.left;
  return JSON.stringify([d.kind, d.object, mine ?? null, theirs ?? null]);
}

/**
 * Charges every finding's differences to environments. A baseline finding belongs to its
 * environment. A difference between two environments at the same revision belongs to the side
 * whose own baseline finding has it; else, when one side still matches its baseline, to the other;
 * when no baseline tells, to the later one in the promotion order (`right`): the earlier one is
 * what was tested, the later one is what should follow it.
 * `withBaseline` names the environments that have a baseline for their current revisions.
 */
export function countEnvironmentDrift(findings: readonly DriftFinding[], withBaseline: ReadonlySet<string>): Map<string, EnvironmentDriftCount> {
  const out = new Map<string, { keys: Set<string>; differences: DriftDifference[]; against: string[] }>();
  const charge = (env: string, d: DriftDifference, side: "left" | "right", against: string) => {
    let c = out.get(env);
    if (!c) out.set(env, (c = { keys: new Set(), differences: [], against: [] }));
    const key = keyFrom(d, side);
    if (!c.against.includes(against)) c.against.push(against);
    if (c.keys.has(key)) return;
    c.keys.add(key);
    c.differences.push(d);
  };

  // Baseline findings first: they say which environment moved.
  const movedFromBaseline = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.kind !== "baseline-differs") continue;
    const keys = movedFromBaseline.get(f.environment) ?? new Set<string>();
    movedFromBaseline.set(f.environment, keys);
    // diffSnapshots(baseline, environment): the environment is the right side.
    for (const d of f.differences) {
      keys.add(keyFrom(d, "right"));
      charge(f.environment, d, "right", "its baseline");
    }
  }
  const matchesBaseline = (env: string) => withBaseline.has(env) && !movedFromBaseline.has(env);

  for (const f of findings) {
    if (f.kind !== "environments-differ") continue;
    for (const d of f.differences) {
      const leftMoved = movedFromBaseline.get(f.left)?.has(keyFrom(d, "left")) ?? false;
      const rightMoved = movedFromBaseline.get(f.right)?.has(keyFrom(d, "right")) ?? false;
      const onLeft = (leftMoved && !rightMoved) || (!leftMoved && !rightMoved && matchesBaseline(f.right) && !matchesBaseline(f.left));
      if (onLeft) charge(f.left, d, "left", `${f.right} at the same revision`);
      else charge(f.right, d, "right", `${f.left} at the same revision`);
    }
  }
  return new Map([...out].map(([env, c]) => [env, { differences: c.differences, keys: [...c.keys], against: c.against }]));
}
