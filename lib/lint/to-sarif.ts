/**
 * A lint report as SARIF 2.1.0, for code-scanning annotations in pull requests. Acknowledged
 * findings are results with an in-source suppression (listed, not alerted).
 */
import type { Log, ReportingDescriptor, Result } from "sarif";
import { LINT_RULES } from "@/lib/lint/lint-rules";
import type { LintReport, LintSeverity } from "@/lib/lint/types";
import { LINT_RULE_IDS } from "@/lib/lint/types";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<LintSeverity, Result.level> = { error: "error", warning: "warning", info: "note" };

export interface ToSarifOptions {
  /** The URI of a finding's file (relative to the repository root where code scanning runs it). */
  uriOf: (file: string) => string;
  toolVersion?: string;
}

export function toSarif(report: LintReport, o: ToSarifOptions): Log {
  const rules: ReportingDescriptor[] = LINT_RULE_IDS.map((id) => {
    const r = LINT_RULES[id];
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: r.why },
      help: { text: r.fix },
      defaultConfiguration: { level: LEVEL[r.severity] },
    };
  });
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: LINT_RULE_IDS.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.revision}: ${f.message} Fix: ${f.fix}${f.statement ? ` Statement: ${f.statement}` : ""}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: o.uriOf(f.file) },
          ...(f.line ? { region: { startLine: f.line } } : {}),
        },
      },
    ],
    partialFingerprints: { "cairnLint/v1": `${f.rule}:${f.revision}:${f.statement ?? f.line ?? ""}` },
    ...(f.acknowledged ? { suppressions: [{ kind: "inSource" as const, justification: f.acknowledged }] } : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "cairn-lint", ...(o.toolVersion ? { version: o.toolVersion } : {}), rules } },
        results,
      },
    ],
  };
}
