import { Badge, type BadgeTone } from "@/components/ui/badge";
import { RevisionId } from "@/components/ui/revision-id";
import { LintAcknowledgeForm } from "@/components/runs/lint-acknowledge-form";
import type { GateResult } from "@/lib/gates/types";
import type { LintFinding, LintSeverity } from "@/lib/lint/types";

const TONE: Record<LintSeverity, BadgeTone> = { error: "red", warning: "amber", info: "gray" };

/** Set for someone allowed to acknowledge findings (lint.acknowledge): the project, and what to do once one changed (plan again). */
type Acknowledging = { project: string; onChanged: () => void } | undefined;

function acknowledgedLine(f: LintFinding): string {
  if (!f.acknowledgedBy) return `Acknowledged in the migration: “${f.acknowledged}”`;
  return `Acknowledged by ${f.acknowledgedBy.email} (admin) on ${f.acknowledgedBy.at.slice(0, 16).replace("T", " ")} UTC: “${f.acknowledged}”`;
}

function Finding({ f, acknowledging }: { f: LintFinding; acknowledging: Acknowledging }) {
  return (
    <li className="px-3 py-2 text-sm" data-lint-rule={f.rule} data-severity={f.severity} data-acknowledged={f.acknowledged ? "true" : "false"}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={f.acknowledged ? "gray" : TONE[f.severity]}>{f.acknowledged ? "acknowledged" : f.severity}</Badge>
        <span className="font-mono text-xs">{f.rule}</span>
        <RevisionId id={f.revision} />
        <span className="font-mono text-xs text-stone-600">
          {f.file}
          {f.line ? `:${f.line}` : ""}
        </span>
      </div>
      <p className="mt-1 text-stone-800">{f.message}</p>
      {f.statement && <pre className="mt-1 overflow-x-auto rounded bg-stone-100 px-2 py-1 text-xs text-stone-900">{f.statement}</pre>}
      <p className="mt-1 text-stone-600">{f.acknowledged ? acknowledgedLine(f) : `Safe pattern: ${f.fix}`}</p>
      {acknowledging && ((!f.acknowledged && f.severity === "error") || f.acknowledgedBy) && <LintAcknowledgeForm project={acknowledging.project} finding={f} onChanged={acknowledging.onChanged} />}
    </li>
  );
}

/**
 * The path's lint findings (from the lint gate's details): open ones first, then the acknowledged ones with who
 * acknowledged them and why. With `acknowledging` (an admin), each open error-level finding offers an acknowledgement.
 */
export function LintFindings({ gate, acknowledging }: { gate: GateResult | undefined; acknowledging?: Acknowledging }) {
  const findings = ((gate?.details as { findings?: LintFinding[] } | undefined)?.findings ?? []) as LintFinding[];
  if (!gate || !gate.details) return null;
  const failed = (gate.details as { failed?: string }).failed;
  if (failed) {
    // A lint that did not run has no findings to show, and "no open finding" would read as a clean path.
    return (
      <section data-testid="lint-findings">
        <h3 className="mb-1 text-sm font-semibold">Lint could not run</h3>
        <p className="text-sm text-amber-800">{failed.replace(/\.$/, "")}. What this path does to existing tables is unchecked.</p>
      </section>
    );
  }
  const open = findings.filter((f) => !f.acknowledged);
  const acknowledged = findings.filter((f) => f.acknowledged);
  return (
    <section data-testid="lint-findings">
      <h3 className="mb-1 text-sm font-semibold">
        Lint: {open.length ? `${open.length} finding${open.length === 1 ? "" : "s"}` : "no open finding"}
        {acknowledged.length > 0 && `, ${acknowledged.length} acknowledged`}
      </h3>
      {findings.length === 0 ? (
        <p className="text-sm text-stone-600">Nothing on this path locks, drops, renames or fails that lint can see in the SQL.</p>
      ) : (
        <ul className="divide-y divide-stone-100 rounded border border-stone-200">
          {[...open, ...acknowledged].map((f, i) => (
            <Finding key={`${f.revision}-${f.rule}-${i}`} f={f} acknowledging={acknowledging} />
          ))}
        </ul>
      )}
    </section>
  );
}
