"use client";

import Link from "next/link";
import { usePendingLintFindings } from "@/components/graph/use-revision-lint";
import { Badge } from "@/components/ui/badge";
import { RevisionId } from "@/components/ui/revision-id";

/** The most findings listed: a pending path of thousands of revisions has thousands of findings, the graph shows each revision's. */
const LISTED = 100;

/**
 * Lint of an environment's pending migrations, each against its own parent (the graph's per-revision
 * findings, cached per graph version; only the pending revisions' open ones are fetched, the first
 * LISTED of them with the counts of all): a summary for the environment page. The run dialog lints the
 * path against the environment's live schema and decides; this only says what to expect.
 */
export function PendingLint({ project, pending }: { project: string; pending: string[] }) {
  const q = usePendingLintFindings(project, pending, LISTED);
  const graphHref = `/projects/${encodeURIComponent(project)}/graph`;
  if (pending.length === 0) return null;
  if (q.isPending)
    return (
      <p className="text-sm text-stone-600" data-testid="pending-lint">
        Lint: reading the pending migrations…
      </p>
    );
  if (q.isError || !q.data?.ok) {
    return (
      <p className="text-sm text-amber-800" data-testid="pending-lint">
        Lint could not read the pending migrations: {q.data && !q.data.ok ? q.data.message.replace(/\.$/, "") : "the request failed"}. The run dialog lints the path again.
      </p>
    );
  }
  const { revisions, counts, omitted } = q.data;
  const open = pending.flatMap((r) => revisions[r] ?? []);
  const errors = counts.error;
  const total = counts.error + counts.warning + counts.info;
  return (
    <div className="text-sm" data-testid="pending-lint">
      <h3 className="font-medium">
        Lint of the pending path:{" "}
        {total === 0 ? (
          <Badge tone="green">no open finding</Badge>
        ) : (
          <>
            {errors > 0 && <Badge tone="red">{`${errors} error${errors === 1 ? "" : "s"}`}</Badge>} {total - errors > 0 && <Badge tone="amber">{`${total - errors} warning${total - errors === 1 ? "" : "s"}`}</Badge>}
          </>
        )}
      </h3>
      {open.length > 0 && (
        <ul className="mt-1 space-y-0.5" data-testid="pending-lint-findings">
          {open.map((f, i) => (
            <li key={`${f.revision}-${f.rule}-${i}`} data-lint-rule={f.rule} data-severity={f.severity}>
              <RevisionId id={f.revision} /> <span className="font-mono text-xs">{f.rule}</span> <span className="text-stone-600">{f.message.split(". ")[0]!.replace(/\.$/, "")}</span>
            </li>
          ))}
        </ul>
      )}
      {omitted > 0 && <p className="mt-1 text-stone-600" data-testid="pending-lint-omitted">{`… and ${omitted} more open finding${omitted === 1 ? "" : "s"}, not listed here.`}</p>}
      <p className="mt-1 text-stone-600">
        Details per revision on the{" "}
        <Link href={graphHref} className="text-sky-800 hover:underline">
          graph
        </Link>
        ; the run dialog lints the path against this environment&apos;s live schema{errors > 0 ? " and blocks a protected environment on an unacknowledged error" : ""}.
      </p>
    </div>
  );
}
