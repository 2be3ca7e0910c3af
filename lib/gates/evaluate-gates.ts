import { checkAppliedFiles } from "@/lib/gates/check-applied-files";
import { checkBackup } from "@/lib/gates/check-backup";
import { checkDowngradeSafety } from "@/lib/gates/check-downgrade-safety";
import { checkGraphSoundness } from "@/lib/gates/check-graph-soundness";
import { checkLint } from "@/lib/gates/check-lint";
import { checkPreviewComplete } from "@/lib/gates/check-preview-complete";
import { checkRehearsal } from "@/lib/gates/check-rehearsal";
import { checkPromotionOrder } from "@/lib/gates/check-promotion-order";
import { checkSchemaDrift } from "@/lib/gates/check-schema-drift";
import { checkSignOff } from "@/lib/gates/check-sign-off";
import { checkTwoPerson } from "@/lib/gates/check-two-person";
import { checkTypedConfirmation } from "@/lib/gates/check-typed-confirmation";
import { checkVersionWidth } from "@/lib/gates/check-version-width";
import type { Gate, GateFacts, GateResult } from "@/lib/gates/types";

/** Every gate, in the order the UI lists them. */
export const GATES: readonly Gate[] = [
  checkGraphSoundness,
  checkVersionWidth,
  checkPromotionOrder,
  checkSignOff,
  checkSchemaDrift,
  checkDowngradeSafety,
  checkLint,
  checkPreviewComplete,
  checkRehearsal,
  checkAppliedFiles,
  checkBackup,
  checkTypedConfirmation,
  checkTwoPerson,
];

/** Judges a run: one result per gate, always all of them (a refusal lists every reason at once). */
export function evaluateGates(facts: GateFacts): GateResult[] {
  return GATES.map((g) => g(facts));
}

/** A run may proceed only when no gate blocks and no gate still needs input. */
export function canProceed(results: readonly GateResult[]): boolean {
  return results.every((r) => r.verdict === "pass" || r.verdict === "warn");
}

/**
 * May the run be requested now? Everything except the second person's approval must be settled:
 * approval is what request → approve waits for.
 */
export function canRequest(results: readonly GateResult[]): boolean {
  return results.every((r) => r.verdict === "pass" || r.verdict === "warn" || (r.id === "two-person" && r.verdict === "needs-input"));
}

/** One message summing up why a run cannot proceed, for errors and the CLI. */
export function describeRefusal(results: readonly GateResult[]): string {
  return results
    .filter((r) => r.verdict === "block" || r.verdict === "needs-input")
    .map((r) => `${r.label}: ${r.reason}${r.unblock ? ` ${r.unblock}` : ""}`)
    .join("\n");
}
