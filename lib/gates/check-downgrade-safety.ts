import { listOf } from "@/lib/gates/revision-ancestry";
import { scanDowngradeBody } from "@/lib/gates/scan-downgrade-body";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Downgrade safety";

export interface FlaggedRevision {
  revision: string;
  findings: string[];
}

/** What each migration's downgrade() would do that cannot be undone, or fails to undo. */
export function findDowngradeHazards(f: Pick<GateFacts, "path" | "migrationSources">): FlaggedRevision[] {
  const flagged: FlaggedRevision[] = [];
  for (const revision of f.path.steps) {
    const source = f.migrationSources[revision];
    const findings: string[] = [];
    if (source == null) {
      findings.push("its migration file could not be read, so Cairn cannot tell what its downgrade() destroys");
    } else {
      const scan = scanDowngradeBody(source);
      if (scan.error) findings.push(`its file could not be parsed (${scan.error}), so Cairn cannot tell what its downgrade() destroys`);
      else if (scan.missing) findings.push("it has no downgrade() function");
      else {
        for (const d of scan.destructive) findings.push(`${d.description} (line ${d.line})`);
        if (scan.empty) findings.push("its downgrade() does nothing: the version table will drop it but its changes stay in the database");
        if (scan.raises) findings.push("its downgrade() raises an exception: it is meant to be irreversible and the run will likely fail there");
      }
    }
    if (findings.length) flagged.push({ revision, findings });
  }
  return flagged;
}

/** Downgrades that destroy data, do nothing or raise need a confirmation naming those migrations. */
export function checkDowngradeSafety(f: GateFacts): GateResult {
  if (f.kind !== "downgrade") {
    return { id: "downgrade-safety", label: LABEL, verdict: "pass", reason: "Not a downgrade." };
  }
  const flagged = findDowngradeHazards(f);
  if (flagged.length === 0) {
    return {
      id: "downgrade-safety",
      label: LABEL,
      verdict: "pass",
      reason: f.path.steps.length ? `No data-destroying operations found in the downgrade() of ${listOf(f.path.steps)}.` : "The downgrade removes no revision.",
    };
  }
  const required = flagged.map((x) => x.revision);
  const named = new Set((f.inputs.destructiveConfirmation ?? []).map((s) => s.trim()));
  const unnamed = required.filter((r) => !named.has(r));
  const summary = flagged.map((x) => `${x.revision}: ${x.findings.join("; ")}`).join(". ");
  if (unnamed.length) {
    return {
      id: "downgrade-safety",
      label: LABEL,
      verdict: "needs-input",
      reason: `This downgrade destroys data or cannot be undone cleanly — ${summary}.`,
      unblock: `Confirm by naming ${unnamed.length === required.length ? "these migrations" : "the remaining migrations"}: ${unnamed.join(", ")}.`,
      details: { flagged, required, unnamed },
    };
  }
  return {
    id: "downgrade-safety",
    label: LABEL,
    verdict: "warn",
    reason: `Confirmed, naming ${listOf(required)}: ${summary}.`,
    details: { flagged, required, unnamed: [] },
  };
}
