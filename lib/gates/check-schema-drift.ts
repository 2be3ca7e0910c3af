import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Schema drift";
/** An override's reason must say something. */
export const MIN_OVERRIDE_REASON = 10;

/** Drift blocks protected environments unless an admin overrides it with a written reason. */
export function checkSchemaDrift(f: GateFacts): GateResult {
  const env = f.environment.name;
  const d = f.drift;
  if (d == null && f.driftUnread) {
    return {
      id: "schema-drift",
      label: LABEL,
      verdict: "warn",
      reason: `${env}'s schema was not checked for drift: ${f.driftUnread.replace(/\.$/, "")}.`,
      unblock: `Check that ${env}'s database is up and Cairn may read its catalog, then plan again.`,
    };
  }
  if (d == null) {
    return {
      id: "schema-drift",
      label: LABEL,
      verdict: "warn",
      reason: `${env}'s schema was not checked for drift: there is no baseline for its current revision.`,
      unblock: `Record a baseline for ${env} so drift can be checked before runs.`,
    };
  }
  if (d.findings === 0) {
    return { id: "schema-drift", label: LABEL, verdict: "pass", reason: `${env}'s schema matches its baseline and the environments at the same revision.` };
  }
  const from = d.against?.length ? d.against.join(" and ") : "its baseline";
  const what = `${env}'s schema differs from ${from} in ${d.findings} place${d.findings > 1 ? "s" : ""}`;
  if (!f.environment.protected) {
    return { id: "schema-drift", label: LABEL, verdict: "warn", reason: `${what}; ${env} is not protected, so the run may go ahead.` };
  }
  const o = f.inputs.driftOverride;
  if (!o) {
    return {
      id: "schema-drift",
      label: LABEL,
      verdict: "block",
      reason: `${what}: someone changed it outside migrations, and migrating on top of that may fail or hide the change.`,
      unblock: `Bring the schema back in line (or record a new baseline after review), or have an admin override with a written reason.`,
      details: { findings: d.findings },
    };
  }
  if (o.byRole !== "admin") {
    return {
      id: "schema-drift",
      label: LABEL,
      verdict: "block",
      reason: `${what}, and only an admin can override drift on a protected environment${o.byEmail ? ` (${o.byEmail} is a ${o.byRole.replace("_", " ")})` : ""}.`,
      unblock: "Ask an admin to override with a written reason, or resolve the drift.",
    };
  }
  if (o.reason.trim().length < MIN_OVERRIDE_REASON) {
    return {
      id: "schema-drift",
      label: LABEL,
      verdict: "block",
      reason: `${what}; the override needs a written reason of at least ${MIN_OVERRIDE_REASON} characters.`,
      unblock: "Write why it is safe to migrate despite the drift.",
    };
  }
  return {
    id: "schema-drift",
    label: LABEL,
    verdict: "warn",
    reason: `${what}; overridden by ${o.byEmail ?? "an admin"}: "${o.reason.trim()}".`,
  };
}
