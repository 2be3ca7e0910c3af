import { describeEditedAppliedFile } from "@/lib/applied-files/describe-edited-file";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Applied files unchanged";

/**
 * A migration of this run whose file was edited after it was applied to some environment is a warning: that
 * environment ran the old file, this one would run the new one, and they will differ with the same version row.
 */
export function checkAppliedFiles(f: GateFacts): GateResult {
  const edits = f.appliedFileEdits;
  if (!edits) return { id: "applied-files", label: LABEL, verdict: "pass", reason: "Applied files were not checked for this run." };
  if (edits.length === 0) {
    return { id: "applied-files", label: LABEL, verdict: "pass", reason: "No migration of this run was edited after it was applied to an environment." };
  }
  const environments = [...new Set(edits.map((e) => e.environment))];
  return {
    id: "applied-files",
    label: LABEL,
    verdict: "warn",
    reason: edits.map(describeEditedAppliedFile).join(" "),
    unblock: `This run applies the files as they are now, so ${f.environment.name} will not match ${environments.join(" and ")}. Restore the file, or carry the change to ${environments.join(" and ")} in a new migration.`,
    details: { edits },
  };
}
