import { ancestorsOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Promotion order";

/** The target must already be applied, by a successful run, on the environment before this one. */
export function checkPromotionOrder(f: GateFacts): GateResult {
  const env = f.environment.name;
  if (f.kind === "downgrade") {
    return { id: "promotion-order", label: LABEL, verdict: "pass", reason: "Downgrades are not promoted, so promotion order does not apply." };
  }
  const prev = f.previousEnvironment;
  if (!prev) {
    return { id: "promotion-order", label: LABEL, verdict: "pass", reason: `${env} is first in the promotion order.` };
  }
  const target = f.target;
  const applied = ancestorsOf(f.graph, prev.currentRevisions);
  if (!applied.has(target)) {
    const at = prev.currentRevisions.length ? prev.currentRevisions.join(", ") : "base (nothing applied)";
    return {
      id: "promotion-order",
      label: LABEL,
      verdict: "block",
      reason: `${target} has not been applied on ${prev.name} yet (${prev.name} is at ${at}); ${env} comes after ${prev.name} in the promotion order.`,
      unblock: `Upgrade ${prev.name} to ${target} first and let it succeed, then promote it to ${env}.`,
    };
  }
  const covered = prev.succeededRuns.some(
    (r) => r.target === target || r.path.includes(target) || ancestorsOf(f.graph, r.resultRevisions ?? []).has(target),
  );
  if (!covered) {
    return {
      id: "promotion-order",
      label: LABEL,
      verdict: "block",
      reason: `${prev.name} holds ${target}, but no Cairn run there succeeded with it — it was applied outside Cairn or by a run that failed, so it was never verified to apply cleanly.`,
      unblock: `Run an upgrade to ${target} on ${prev.name} through Cairn (Alembic will find nothing left to do and the run will succeed), then promote.`,
    };
  }
  return { id: "promotion-order", label: LABEL, verdict: "pass", reason: `${target} was applied successfully on ${prev.name}.` };
}
