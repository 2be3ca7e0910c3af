/**
 * The gates for a run whose target names several revisions ("heads" of a branched project): the
 * gates judge one target at a time, so each is asked per revision and the worst verdict wins.
 * Pure.
 */
import { evaluateGates } from "@/lib/gates/evaluate-gates";
import type { GateFacts, GateResult, GateVerdict } from "@/lib/gates/types";

const SEVERITY: Record<GateVerdict, number> = { pass: 0, warn: 1, "needs-input": 2, block: 3 };

export function evaluateRunGates(facts: GateFacts, targetIds?: readonly string[]): GateResult[] {
  if (!targetIds || targetIds.length <= 1) return evaluateGates(facts);
  const perTarget = targetIds.map((target) => evaluateGates({ ...facts, target }));
  return perTarget[0]!.map((first, i) =>
    perTarget.reduce((worst, results) => {
      const g = results[i]!;
      return SEVERITY[g.verdict] > SEVERITY[worst.verdict] ? g : worst;
    }, first),
  );
}
