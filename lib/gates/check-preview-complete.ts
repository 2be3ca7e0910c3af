import { listOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "SQL preview";

/**
 * A run whose SQL preview is partial (a data migration that reads rows cannot be rendered by
 * `--sql`) is a warning; on a protected environment it waits until the requester acknowledges
 * each migration that was not previewed by typing its id, as a destructive downgrade does.
 */
export function checkPreviewComplete(f: GateFacts): GateResult {
  const p = f.preview;
  if (!p || p.notPreviewed.length === 0) {
    return {
      id: "preview-complete",
      label: LABEL,
      verdict: "pass",
      reason: p ? "The SQL preview shows every migration of this run." : "No SQL preview was made for this run.",
    };
  }
  const required = p.notPreviewed.map((n) => n.revision);
  const what = p.notPreviewed.map((n) => `${n.revision}${n.file ? ` (${n.file})` : ""} cannot be rendered offline: ${n.reason}`).join("; ");
  const after = p.skipped.length ? ` Alembic stopped there, so ${listOf(p.skipped)} after it ${p.skipped.length === 1 ? "is" : "are"} not previewed either.` : "";
  const reason = `The SQL preview is incomplete: ${what}.${after}`;
  const review = `Read ${p.notPreviewed.length === 1 ? "that migration file" : "those migration files"}${p.skipped.length ? ` and ${listOf(p.skipped)}` : ""} before running: what ${p.notPreviewed.length === 1 ? "it does" : "they do"} is not in the SQL shown.`;
  if (!f.environment.protected) {
    return { id: "preview-complete", label: LABEL, verdict: "warn", reason, unblock: review, details: { required, skipped: p.skipped, notPreviewed: p.notPreviewed } };
  }
  const typed = new Set((f.inputs.previewAcknowledgement ?? []).map((s) => s.trim()));
  const unnamed = required.filter((r) => !typed.has(r));
  if (unnamed.length) {
    return {
      id: "preview-complete",
      label: LABEL,
      verdict: "needs-input",
      reason: `${reason} ${f.environment.name} is protected: acknowledge what the preview does not show.`,
      unblock: `${review} Type ${unnamed.join(", ")} in the preview acknowledgement box.`,
      details: { required, unnamed, skipped: p.skipped, notPreviewed: p.notPreviewed },
    };
  }
  return {
    id: "preview-complete",
    label: LABEL,
    verdict: "warn",
    reason: `Acknowledged by typing ${listOf(required)}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`,
    details: { required, unnamed: [], acknowledged: required, skipped: p.skipped, notPreviewed: p.notPreviewed },
  };
}
