import { ancestorsOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Promotion order";

/**
 * The target must already be applied on the environment before this one. Its version table is the
 * proof Alembic committed it; whether QA verified it there is the sign-off gate's question. When no
 * Cairn run there succeeded with it (applied by hand or by CI), the gate says so as a warning.
 */
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
  const covered = prev.succeededRuns.some((r) => r.target === target || r.path.includes(target) || ancestorsOf(f.graph, r.resultRevisions ?? []).has(target));
  if (!covered) {
    return {
      id: "promotion-order",
      label: LABEL,
      verdict: "warn",
      reason: `${prev.name} holds ${target}, applied outside Cairn: no Cairn run there recorded it, so its log and timing are not in the audit trail.`,
    };
  }
  return { id: "promotion-order", label: LABEL, verdict: "pass", reason: `${target} was applied successfully on ${prev.name}.` };
}
