"use client";

import { useEffect, useState } from "react";
import { StateBadge } from "@/components/envs/state-badge";
import { usePendingRevisions, useProjectStatus } from "@/components/envs/use-project-status";
import { RevisionId } from "@/components/ui/revision-id";
import { Badge } from "@/components/ui/badge";
import type { OverviewEnvironment, OverviewStatus, RevisionSummary } from "@/lib/targets/summarize-project-status";

export interface EnvironmentMeta {
  name: string;
  protected: boolean;
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}

/**
 * Where each environment stands, polled live. A failed poll keeps the last good data on screen
 * and says how old it is; it never blanks the page.
 */
export function EnvironmentMatrix({ project, initialStatus, environments, pollMs = 10_000 }: { project: string; initialStatus: OverviewStatus; environments: EnvironmentMeta[]; pollMs?: number }) {
  // When the server read the databases: the oldest reading on the page.
  const readAt = Math.min(...initialStatus.environments.map((e) => Date.parse(e.checkedAt)).filter(Number.isFinite));
  const query = useProjectStatus(project, initialStatus, readAt, pollMs);
  const now = useNow(1000);
  const status = query.data;
  const revisions = status.revisions;
  const age = now - query.dataUpdatedAt;
  const stale = age > pollMs * 2.5;
  const meta = new Map(environments.map((e) => [e.name, e]));

  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-stone-600" aria-live="polite">
        <span data-testid="freshness" className={stale ? "font-medium text-amber-800" : ""}>
          {query.isFetching ? "Checking…" : `Checked ${ago(age)}`}
          {stale && " — this may be out of date"}
        </span>
        {query.isError && (
          <span role="status" className="rounded bg-amber-50 px-2 py-0.5 text-amber-900 ring-1 ring-amber-200">
            Could not refresh: {query.error.message.replace(/\.$/, "")}. Showing the last good reading.
          </span>
        )}
        <button type="button" onClick={() => void query.refetch()} className="ml-auto rounded border border-stone-300 bg-white px-2 py-0.5 text-stone-800 hover:bg-stone-100">
          Refresh now
        </button>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-stone-200 text-left text-xs tracking-wide text-stone-500 uppercase">
              <th className="py-2 pr-3 font-medium">Environment</th>
              <th className="py-2 pr-3 font-medium">State</th>
              <th className="py-2 pr-3 font-medium">At revision</th>
              <th className="py-2 pr-3 font-medium">Pending</th>
              <th className="py-2 font-medium">Checked</th>
            </tr>
          </thead>
          <tbody>
            {status.environments.map((env) => (
              <EnvironmentRow key={env.name} env={env} revisions={revisions} isProtected={meta.get(env.name)?.protected ?? false} project={project} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RevisionLine({ id, revisions, unknown = false }: { id: string; revisions: Record<string, RevisionSummary | undefined>; unknown?: boolean }) {
  const r = revisions[id];
  return (
    <div className="flex flex-wrap items-baseline gap-1.5">
      <RevisionId id={id} />
      {r ? (
        <>
          <span className="text-stone-800">{r.message || <em className="text-stone-500">no message</em>}</span>
          {r.branchLabels.map((l) => (
            <Badge key={l} tone="blue">
              {l}
            </Badge>
          ))}
          {r.createDate && <span className="text-xs text-stone-500">{r.createDate.slice(0, 10)}</span>}
        </>
      ) : unknown ? (
        <span className="text-red-800">not in this repo</span>
      ) : null}
    </div>
  );
}

/** Ids wider than version_num: already stored (a database that does not enforce the width) or still to come. */
function TooLongWarning({ env }: { env: OverviewEnvironment }) {
  // The version table holds only heads; every repo revision is either pending or already applied below them.
  const coming = env.tooLongPending;
  const applied = env.state === "current" || env.state === "behind" ? env.tooLong.filter((id) => !coming.includes(id)) : [];
  const width = `VARCHAR(${env.versionNumWidth ?? "?"})`;
  return (
    <div className="mt-1 space-y-0.5 text-xs text-red-800" data-testid="too-long">
      {coming.length > 0 && (
        <p>
          {coming.join(", ")} {coming.length === 1 ? "is" : "are"} longer than this database&apos;s <code>version_num</code> ({width}): writing {coming.length === 1 ? "it" : "them"} fails on PostgreSQL and MySQL. Widen the column
          before {coming.length === 1 ? "that migration reaches" : "those migrations reach"} this environment.
        </p>
      )}
      {applied.length > 0 && (
        <p>
          {applied.join(", ")} {applied.length === 1 ? "is" : "are"} recorded here although longer than <code>version_num</code> ({width}): this database did not enforce the width; PostgreSQL and MySQL will refuse{" "}
          {applied.length === 1 ? "it" : "them"}.
        </p>
      )}
    </div>
  );
}

function EnvironmentRow({ env, revisions, isProtected, project }: { env: OverviewEnvironment; revisions: Record<string, RevisionSummary>; isProtected: boolean; project: string }) {
  return (
    <tr className="border-b border-stone-100 align-top" data-testid={`env-${env.name}`}>
      <td className="py-2 pr-3">
        <a className="font-medium text-stone-900 hover:underline" href={`/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(env.name)}`}>
          {env.name}
        </a>
        {isProtected && (
          <span className="ml-1.5">
            <Badge tone="red" title="Protected: runs need sign-off, a second approver and typed confirmation">
              protected
            </Badge>
          </span>
        )}
      </td>
      <td className="py-2 pr-3">
        <div className="flex flex-col items-start gap-1">
          <StateBadge state={env.state} />
          {env.ahead && (
            <span data-testid="ahead" title={`Applied here but not on ${env.ahead.of}, the environment before it in the promotion order: ${env.ahead.first.join(", ")}${env.ahead.count > env.ahead.first.length ? " …" : ""}`}>
              <Badge tone="red">
                ahead of {env.ahead.of} by {env.ahead.count}
              </Badge>
            </span>
          )}
          {env.lastRunProblem && <LastRunProblemLink problem={env.lastRunProblem} />}
        </div>
      </td>
      <td className="py-2 pr-3">
        {env.state === "unreachable" ? (
          <span className="text-stone-700">{env.error}</span>
        ) : env.revisions.length === 0 ? (
          <span className="text-stone-500">{env.state === "uninitialized" ? "no version table" : "no revision applied"}</span>
        ) : (
          <div className="space-y-1">
            {env.revisions.map((id) => (
              <RevisionLine key={id} id={id} revisions={revisions} unknown={env.unknownRevisions?.includes(id)} />
            ))}
          </div>
        )}
        {env.state === "unknown-revision" && env.error && <p className="mt-1 text-xs text-red-800">{env.error}</p>}
        {env.tooLong.length > 0 && <TooLongWarning env={env} />}
      </td>
      <td className="py-2 pr-3">{env.pendingCount === 0 ? <span className="text-stone-500">{env.state === "current" ? "nothing" : "—"}</span> : <PendingDetails env={env} revisions={revisions} project={project} />}</td>
      <td className="py-2 text-xs text-stone-500" title={env.checkedAt}>
        {new Date(env.checkedAt).toLocaleTimeString()} · {env.durationMs} ms
      </td>
    </tr>
  );
}

/** A failed or interrupted last run: the environment may be part-way, and the run says where. */
function LastRunProblemLink({ problem }: { problem: NonNullable<OverviewEnvironment["lastRunProblem"]> }) {
  return (
    <a
      href={`/runs/${encodeURIComponent(problem.id)}`}
      data-testid="last-run-problem"
      className="hover:underline"
      title={`The last ${problem.kind} (to ${problem.target}) ${problem.status} at ${problem.at}. Open the run for its log and where it stopped.`}
    >
      <Badge tone="red">last run {problem.status}</Badge>
    </a>
  );
}

/**
 * The pending count, opening onto the list. Only the first few ids come with the page and the
 * poll; the whole list (up to every revision of the project) is fetched when opened.
 */
function PendingDetails({ env, revisions, project }: { env: OverviewEnvironment; revisions: Record<string, RevisionSummary>; project: string }) {
  const [open, setOpen] = useState(false);
  const full = usePendingRevisions(project, env, open && env.pendingCount > env.pendingFirst.length);
  const loaded = full.data?.pending;
  const shown = loaded ?? env.pendingFirst.map((id) => ({ id, ...revisions[id] }));
  const summaries: Record<string, RevisionSummary | undefined> = loaded ? Object.fromEntries(loaded.map((r) => [r.id, r])) : revisions;
  const missing = env.pendingCount - shown.length;
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer text-amber-900">{env.pendingCount} pending</summary>
      {open && (
        <>
          <ol className="mt-1 space-y-1" data-testid="pending-list">
            {shown.map((r) => (
              <li key={r.id}>
                <RevisionLine id={r.id} revisions={summaries} />
              </li>
            ))}
          </ol>
          {missing > 0 && (
            <p className="mt-1 text-xs text-stone-600" role="status">
              {full.isError ? (
                <>
                  Could not load the other {missing}: {full.error.message}.{" "}
                  <button type="button" className="text-sky-700 underline" onClick={() => void full.refetch()}>
                    Try again
                  </button>
                </>
              ) : (
                `Loading ${missing} more…`
              )}
            </p>
          )}
        </>
      )}
    </details>
  );
}
