import { listOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "QA sign-off";

/** A run on a protected environment needs non-revoked QA sign-offs covering every revision of its path. */
export function checkSignOff(f: GateFacts): GateResult {
  const env = f.environment.name;
  if (!f.environment.protected) {
    return { id: "sign-off", label: LABEL, verdict: "pass", reason: `${env} is not protected; no sign-off is needed.` };
  }
  const steps = f.path.steps;
  if (steps.length === 0) {
    return { id: "sign-off", label: LABEL, verdict: "pass", reason: "The run changes no revision, so there is nothing to sign off." };
  }
  const active = f.signOffs.filter((s) => !s.revokedAt);
  const covered = new Set(active.flatMap((s) => s.revisions));
  const missing = steps.filter((r) => !covered.has(r));
  if (missing.length) {
    const revokedCover = new Set(f.signOffs.filter((s) => s.revokedAt).flatMap((s) => s.revisions));
    const revoked = missing.filter((r) => revokedCover.has(r));
    return {
      id: "sign-off",
      label: LABEL,
      verdict: "block",
      reason:
        `${env} is protected and no QA sign-off covers ${listOf(missing)} (${missing.length} of the ${steps.length} revision${steps.length > 1 ? "s" : ""} this run ${f.path.direction === "downgrade" ? "removes" : "applies"}).` +
        (revoked.length ? ` A sign-off covering ${listOf(revoked)} was revoked.` : ""),
      unblock: `Ask QA to sign off a revision range that includes ${listOf(missing)} after verifying it.`,
      details: { missing },
    };
  }
  return { id: "sign-off", label: LABEL, verdict: "pass", reason: `QA signed off all ${steps.length} revision${steps.length > 1 ? "s" : ""} of this run.` };
}
