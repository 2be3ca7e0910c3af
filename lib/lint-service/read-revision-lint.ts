import "server-only";
import type { AuditActor } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { countRevisionFindings, type RevisionLintSummary } from "@/lib/lint/summarize-revision-lint";
import type { LintFinding, LintRuleId } from "@/lib/lint/types";
import { applyLintAcknowledgements } from "@/lib/lint-service/apply-lint-acknowledgements";
import { lintProjectRevisionEntry, type RevisionLintEntry } from "@/lib/lint-service/lint-project-revisions";
import type { UrlOptions } from "@/lib/projects/load-project";
import type { RevisionLintFindings } from "@/lib/lint-service/revision-lint.types";

type Input = { project: string; actor: AuditActor } & UrlOptions;

/**
 * Every revision's badge (open findings by severity and rule, acknowledged ones counted apart), from
 * the lint kept per graph version: the graph page's answer. Admins' acknowledgements are read per
 * request (they change without the files changing) and recount only the revisions they name.
 */
export async function readRevisionLintSummary(db: PrismaClient, i: Input): Promise<RevisionLintSummary> {
  const entry = await lintProjectRevisionEntry(db, i);
  const { answer } = entry;
  if (!answer.ok) return answer;
  const summary = entry.summary!;
  const acknowledged = await acknowledgedFindings(db, entry);
  if (acknowledged.size === 0) return { ok: true, version: answer.version, dialect: answer.dialect, rules: summary.rules, revisions: summary.revisions };
  const ruleIndex = new Map<LintRuleId, number>(summary.rules.map((r, k) => [r, k]));
  const revisions = { ...summary.revisions };
  for (const [id, findings] of acknowledged) {
    const counts = countRevisionFindings(findings, ruleIndex);
    if (counts) revisions[id] = counts;
  }
  return { ok: true, version: answer.version, dialect: answer.dialect, rules: [...ruleIndex.keys()], revisions };
}

/**
 * The findings of the named revisions, admins' acknowledgements applied (`open`: only those not
 * acknowledged). A revision the project's migrations do not hold is refused with a 404 naming it,
 * so a stale page says so instead of showing "no finding".
 */
export async function readRevisionLintFindings(db: PrismaClient, i: Input & { revisions: readonly string[]; open?: boolean; limit?: number }): Promise<RevisionLintFindings> {
  const entry = await lintProjectRevisionEntry(db, i);
  const { answer } = entry;
  if (!answer.ok) return answer;
  // Each revision once, in the order first named: a repeat would be counted and listed again.
  const asked = [...new Set(i.revisions)];
  const unknown = asked.filter((r) => !Object.hasOwn(answer.revisions, r));
  if (unknown.length) {
    const named = unknown.slice(0, 3).join(", ") + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : "");
    throw new AppError(
      "not-found",
      `lint: ${unknown.length} unknown revision(s) in ${i.project}`,
      `Project ${i.project} has no revision ${named} in its migrations as Cairn reads them now. Reload the page: the migration files may have changed.`,
    );
  }
  const acknowledged = await acknowledgedFindings(db, entry, asked);
  const revisions: Record<string, LintFinding[]> = {};
  const counts = { error: 0, warning: 0, info: 0 };
  let room = i.limit ?? Infinity;
  let omitted = 0;
  for (const r of asked) {
    const all = acknowledged.get(r) ?? answer.revisions[r] ?? [];
    const findings = i.open ? all.filter((f) => !f.acknowledged) : all;
    for (const f of findings) counts[f.severity]++;
    // A pending path of thousands of revisions is a few MB of findings: the page lists the first ones.
    if (room === 0 && findings.length > 0) {
      omitted += findings.length;
      continue;
    }
    const kept = findings.length > room ? findings.slice(0, room) : findings;
    omitted += findings.length - kept.length;
    room -= kept.length;
    revisions[r] = kept;
  }
  return { ok: true, version: answer.version, revisions, counts, omitted };
}

/** The findings, acknowledgements applied, of the revisions (among `only`) that a live admin acknowledgement names. */
async function acknowledgedFindings(db: PrismaClient, entry: RevisionLintEntry, only?: readonly string[]): Promise<Map<string, LintFinding[]>> {
  const out = new Map<string, LintFinding[]>();
  if (!entry.answer.ok) return out;
  const all = entry.answer.revisions;
  const rows = await db.lintAcknowledgement.findMany({
    where: { projectId: entry.projectId, revokedAt: null, ...(only ? { revision: { in: [...only] } } : {}) },
    select: { revision: true },
    distinct: ["revision"],
  });
  const findings = rows.flatMap((r) => all[r.revision] ?? []);
  if (findings.length === 0) return out;
  for (const f of await applyLintAcknowledgements(db, { projectId: entry.projectId, graph: { revisions: entry.paths }, findings })) {
    const list = out.get(f.revision);
    if (list) list.push(f);
    else out.set(f.revision, [f]);
  }
  return out;
}
