/**
 * The graph's compact view of per-revision lint: what a node's badge needs (how many open findings of
 * each severity, which rules, how many acknowledged), not the findings themselves — those are sent
 * for one revision at a time (the side panel) or for a list of revisions (an environment's pending path).
 * For 5,000 revisions every finding was 5.38 MB of JSON; this is a few bytes per revision with findings.
 * Pure data: nothing here imports next, react, prisma, pg or node.
 */
import type { LintFinding, LintRuleId, LintSeverity } from "@/lib/lint/types";

/**
 * One revision's badge, as a tuple to keep 5,000 of them small: open errors, open warnings, open
 * infos, acknowledged findings, then the index in `rules` of each open finding's rule, in the
 * findings' order. A revision without any finding has no entry.
 */
export type RevisionLintCounts = number[];

/** The answer of GET /api/projects/:project/lint: every revision's badge, for one graph version. */
export type RevisionLintSummary = { ok: true; version: string; dialect: string; rules: LintRuleId[]; revisions: Record<string, RevisionLintCounts> } | { ok: false; message: string };

/** One revision's badge, decoded. */
export interface RevisionLintBadge {
  errors: number;
  warnings: number;
  infos: number;
  acknowledged: number;
  /** The open findings' rules, in the findings' order (a rule may appear more than once). */
  openRules: LintRuleId[];
}

const SEVERITY_SLOT: Record<LintSeverity, 0 | 1 | 2> = { error: 0, warning: 1, info: 2 };

/** The badge tuple of one revision's findings (undefined when it has none). `ruleIndex` grows the shared rule list. */
export function countRevisionFindings(findings: readonly LintFinding[], ruleIndex: Map<LintRuleId, number>): RevisionLintCounts | undefined {
  if (findings.length === 0) return undefined;
  const counts = [0, 0, 0, 0];
  const rules: number[] = [];
  for (const f of findings) {
    if (f.acknowledged) {
      counts[3]!++;
      continue;
    }
    counts[SEVERITY_SLOT[f.severity]]!++;
    let i = ruleIndex.get(f.rule);
    if (i === undefined) ruleIndex.set(f.rule, (i = ruleIndex.size));
    rules.push(i);
  }
  return [...counts, ...rules];
}

/** Every revision's badge tuple and the rule list the tuples point into. */
export function summarizeRevisionLint(revisions: Readonly<Record<string, readonly LintFinding[]>>): { rules: LintRuleId[]; revisions: Record<string, RevisionLintCounts> } {
  const ruleIndex = new Map<LintRuleId, number>();
  const out: Record<string, RevisionLintCounts> = {};
  for (const [id, findings] of Object.entries(revisions)) {
    const counts = countRevisionFindings(findings, ruleIndex);
    if (counts) out[id] = counts;
  }
  return { rules: [...ruleIndex.keys()], revisions: out };
}

/** A revision's badge from the summary; undefined when the revision has no finding. */
export function revisionLintBadge(summary: { rules: readonly LintRuleId[]; revisions: Readonly<Record<string, RevisionLintCounts>> }, revision: string): RevisionLintBadge | undefined {
  const t = summary.revisions[revision];
  if (!t) return undefined;
  return { errors: t[0] ?? 0, warnings: t[1] ?? 0, infos: t[2] ?? 0, acknowledged: t[3] ?? 0, openRules: t.slice(4).map((i) => summary.rules[i]!) };
}

/** Open findings counted by a badge. */
export const openLintCount = (b: RevisionLintBadge): number => b.errors + b.warnings + b.infos;
