import type { GateFacts, GateResult } from "@/lib/gates/types";
import type { LintFinding, LintRuleId } from "@/lib/lint/types";

const LABEL = "Migration lint";

/** Rules another gate already judges with better facts: the real version_num width, and the SQL preview. */
const JUDGED_ELSEWHERE: ReadonlySet<LintRuleId> = new Set(["revision-id-too-long", "preview-unavailable"]);

function describe(f: LintFinding): string {
  const where = `${f.file}${f.line ? `:${f.line}` : ""}`;
  const first = f.message.split(". ")[0]!.replace(/\.$/, "");
  return `${f.revision} (${where}) ${f.rule}: ${first}`;
}

/**
 * What lint found on the path (lib/lint over the SQL the preview rendered). An unacknowledged
 * error-level finding blocks a protected environment until the migration acknowledges it with
 * `# cairn: allow <rule> — <reason>` or an admin acknowledges it for the file's current bytes; elsewhere, and for warnings, it is a warning. Lint that
 * failed to run blocks a protected upgrade or promotion and warns elsewhere (and on downgrades):
 * silence from a broken linter is not a clean path.
 */
export function checkLint(f: GateFacts): GateResult {
  const lint = f.lint;
  const unavailable = f.lintUnavailable;
  if (!lint && unavailable?.kind === "failed") {
    const reason = `Lint could not check this path: ${unavailable.what.replace(/\.$/, "")}.`;
    const details = { failed: unavailable.what };
    const unblock =
      "Plan again (a timeout or a busy server often passes the second time). If it keeps failing, run `cairn lint --config FILE --project NAME --env NAME` to see the failure and fix what it names: on a protected environment the run waits until lint has checked the path.";
    // A downgrade's SQL is not linted (lint judges what an upgrade does to existing tables); its
    // safety is the downgrade-safety and rehearsal gates', so a failure there only warns.
    if (f.environment.protected && f.kind !== "downgrade") {
      return { id: "lint", label: LABEL, verdict: "block", reason: `${reason} ${f.environment.name} is protected, so the path is not run unchecked.`, unblock, details };
    }
    return { id: "lint", label: LABEL, verdict: "warn", reason: `${reason} Its findings are unknown.`, unblock, details };
  }
  if (!lint && unavailable?.kind === "not-applicable") {
    return { id: "lint", label: LABEL, verdict: "pass", reason: `Lint does not apply: ${unavailable.reason}` };
  }
  if (!lint) {
    return { id: "lint", label: LABEL, verdict: "pass", reason: f.kind === "downgrade" ? "Downgrades are not linted." : "Lint was not run for this run." };
  }
  const open = lint.findings.filter((x) => !x.acknowledged && !JUDGED_ELSEWHERE.has(x.rule));
  const acknowledged = lint.findings.filter((x) => x.acknowledged);
  const errors = open.filter((x) => x.severity === "error");
  const warnings = open.filter((x) => x.severity !== "error");
  const inFiles = acknowledged.filter((x) => !x.acknowledgedBy);
  const byAdmin = acknowledged.filter((x) => x.acknowledgedBy);
  const ackNote =
    (inFiles.length ? ` ${inFiles.length} acknowledged in the migrations: ${inFiles.map((x) => `${x.revision} ${x.rule} (“${x.acknowledged}”)`).join("; ")}.` : "") +
    (byAdmin.length ? ` ${byAdmin.length} acknowledged by an admin: ${byAdmin.map((x) => `${x.revision} ${x.rule} (“${x.acknowledged}” — ${x.acknowledgedBy!.email})`).join("; ")}.` : "");
  const details = { findings: lint.findings, errors: errors.length, warnings: warnings.length, acknowledged: acknowledged.length };
  if (!open.length) {
    return { id: "lint", label: LABEL, verdict: "pass", reason: `No open lint finding on this path.${ackNote}`, details };
  }
  const unblock =
    "Fix the migration (each finding says how), or — if it is intended — acknowledge it in the migration file with `# cairn: allow <rule> — <reason>` on its line or in its docstring, commit that, and plan again; or have an admin acknowledge it with a reason in the run dialog.";
  if (errors.length && f.environment.protected) {
    return {
      id: "lint",
      label: LABEL,
      verdict: "block",
      reason: `${errors.length} error-level lint finding(s) on this path: ${errors.map(describe).join("; ")}. ${f.environment.name} is protected.${ackNote}`,
      unblock,
      details,
    };
  }
  return {
    id: "lint",
    label: LABEL,
    verdict: "warn",
    reason: `Lint found ${open.length} issue(s) on this path: ${[...errors, ...warnings].map(describe).join("; ")}.${ackNote}`,
    unblock,
    details,
  };
}
