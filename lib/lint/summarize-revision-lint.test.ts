import { describe, expect, it } from "vitest";
import { countRevisionFindings, openLintCount, revisionLintBadge, summarizeRevisionLint } from "@/lib/lint/summarize-revision-lint";
import type { LintFinding, LintRuleId, LintSeverity } from "@/lib/lint/types";

const finding = (revision: string, rule: LintRuleId, severity: LintSeverity, acknowledged?: string): LintFinding => ({
  rule,
  severity,
  revision,
  file: `versions/${revision}.py`,
  line: 3,
  statement: null,
  message: "What is wrong.",
  fix: "The safe pattern.",
  ...(acknowledged ? { acknowledged } : {}),
});

describe("summarizeRevisionLint", () => {
  const s = summarizeRevisionLint({
    a: [finding("a", "drop-column", "error"), finding("a", "preview-unavailable", "warning"), finding("a", "drop-table", "error", "backed up")],
    b: [],
    c: [finding("c", "preview-unavailable", "warning"), finding("c", "preview-unavailable", "warning")],
    d: [finding("d", "drop-table", "error", "moved to the warehouse")],
    e: [finding("e", "row-by-row-backfill", "info")],
  });

  it("keeps a badge per revision with findings: open ones by severity and rule, acknowledged ones counted apart", () => {
    expect(Object.keys(s.revisions)).toEqual(["a", "c", "d", "e"]);
    expect(revisionLintBadge(s, "a")).toEqual({ errors: 1, warnings: 1, infos: 0, acknowledged: 1, openRules: ["drop-column", "preview-unavailable"] });
    expect(revisionLintBadge(s, "c")).toEqual({ errors: 0, warnings: 2, infos: 0, acknowledged: 0, openRules: ["preview-unavailable", "preview-unavailable"] });
    expect(revisionLintBadge(s, "d")).toEqual({ errors: 0, warnings: 0, infos: 0, acknowledged: 1, openRules: [] });
    expect(openLintCount(revisionLintBadge(s, "e")!)).toBe(1);
    expect(revisionLintBadge(s, "b")).toBeUndefined();
  });

  it("names each rule once, in the list the badges point into", () => {
    expect(s.rules).toEqual(["drop-column", "preview-unavailable", "row-by-row-backfill"]);
    expect(JSON.stringify(s)).not.toContain("safe pattern");
  });

  it("recounts one revision against an existing rule list, growing it only for a rule it lacks", () => {
    const index = new Map<LintRuleId, number>(s.rules.map((r, k) => [r, k]));
    expect(countRevisionFindings([finding("a", "drop-column", "error", "acknowledged by an admin"), finding("a", "preview-unavailable", "warning")], index)).toEqual([0, 1, 0, 1, 1]);
    expect(countRevisionFindings([finding("x", "rename-table", "error")], index)).toEqual([1, 0, 0, 0, 3]);
    expect([...index.keys()]).toEqual([...s.rules, "rename-table"]);
    expect(countRevisionFindings([], index)).toBeUndefined();
  });
});
