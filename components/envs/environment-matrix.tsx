"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { StateBadge } from "@/components/envs/state-badge";
import { RevisionId } from "@/components/ui/revision-id";
import { Badge } from "@/components/ui/badge";
import type { EnvironmentStatus, ProjectStatus } from "@/lib/environments/types";

/** What the matrix shows of a revision; built on the server from the graph. */
export interface RevisionSummary {
  message: string;
  createDate?: string;
  branchLabels: string[];
}

export interface EnvironmentMeta {
  name: string;
  protected: boolean;
}

async function fetchStatus(project: string): Promise<ProjectStatus> {
  const res = await fetch(`/api/projects/${encodeURIComponent(project)}/status`, { cache: "no-store" });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } | string } | null;
    const message = typeof body?.error === "string" ? body.error : body?.error?.message;
    throw new Error(message ?? `the server answered ${res.status}`);
  }
  return (await res.json()) as ProjectStatus;
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
export function EnvironmentMatrix({
  project,
  initialStatus,
  revisions,
  environments,
  pollMs = 10_000,
}: {
  project: string;
  initialStatus: ProjectStatus;
  revisions: Record<string, RevisionSummary>;
  environments: EnvironmentMeta[];
  pollMs?: number;
}) {
  // When the server read the databases: the oldest reading on the page.
  const readAt = Math.min(...initialStatus.environments.map((e) => Date.parse(e.checkedAt)).filter(Number.isFinite));
  const query = useQuery({
    queryKey: ["project-status", project],
    queryFn: () => fetchStatus(project),
    initialData: initialStatus,
    initialDataUpdatedAt: readAt,
    refetchInterval: pollMs,
  });
  const now = useNow(1000);
  const status = query.data;
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
            Could not refresh: {query.error.message}. Showing the last good reading.
          </span>
        )}
        <button
          type="button"
          onClick={() => void query.refetch()}
          className="ml-auto rounded border border-stone-300 bg-white px-2 py-0.5 text-stone-800 hover:bg-stone-100"
        >
          Refresh now
        </button>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-stone-200 text-left text-xs uppercase tracking-wide text-stone-500">
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

function RevisionLine({ id, revisions }: { id: string; revisions: Record<string, RevisionSummary> }) {
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
      ) : (
        <span className="text-red-800">not in this repo</span>
      )}
    </div>
  );
}

/** Ids wider than version_num: already stored (a database that does not enforce the width) or still to come. */
function TooLongWarning({ env }: { env: EnvironmentStatus }) {
  // The version table holds only heads; every repo revision is either pending or already applied below them.
  const coming = env.tooLong.filter((id) => env.pending.includes(id));
  const applied = env.state === "current" || env.state === "behind" ? env.tooLong.filter((id) => !coming.includes(id)) : [];
  const width = `VARCHAR(${env.versionNumWidth ?? "?"})`;
  return (
    <div className="mt-1 space-y-0.5 text-xs text-red-800" data-testid="too-long">
      {coming.length > 0 && (
        <p>
          {coming.join(", ")} {coming.length === 1 ? "is" : "are"} longer than this database&apos;s <code>version_num</code> ({width}):
          writing {coming.length === 1 ? "it" : "them"} fails on PostgreSQL and MySQL. Widen the column before {coming.length === 1 ? "that migration reaches" : "those migrations reach"} this environment.
        </p>
      )}
      {applied.length > 0 && (
        <p>
          {applied.join(", ")} {applied.length === 1 ? "is" : "are"} recorded here although longer than <code>version_num</code> ({width}): this
          database did not enforce the width; PostgreSQL and MySQL will refuse {applied.length === 1 ? "it" : "them"}.
        </p>
      )}
    </div>
  );
}

function EnvironmentRow({
  env,
  revisions,
  isProtected,
  project,
}: {
  env: EnvironmentStatus;
  revisions: Record<string, RevisionSummary>;
  isProtected: boolean;
  project: string;
}) {
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
        <StateBadge state={env.state} />
      </td>
      <td className="py-2 pr-3">
        {env.state === "unreachable" ? (
          <span className="text-stone-700">{env.error}</span>
        ) : env.revisions.length === 0 ? (
          <span className="text-stone-500">{env.state === "uninitialized" ? "no version table" : "no revision applied"}</span>
        ) : (
          <div className="space-y-1">
            {env.revisions.map((id) => (
              <RevisionLine key={id} id={id} revisions={revisions} />
            ))}
          </div>
        )}
        {env.state === "unknown-revision" && env.error && <p className="mt-1 text-xs text-red-800">{env.error}</p>}
        {env.tooLong.length > 0 && <TooLongWarning env={env} />}
      </td>
      <td className="py-2 pr-3">
        {env.pending.length === 0 ? (
          <span className="text-stone-500">{env.state === "current" ? "nothing" : "—"}</span>
        ) : (
          <details>
            <summary className="cursor-pointer text-amber-900">
              {env.pending.length} pending
            </summary>
            <ol className="mt-1 space-y-1">
              {env.pending.map((id) => (
                <li key={id}>
                  <RevisionLine id={id} revisions={revisions} />
                </li>
              ))}
            </ol>
          </details>
        )}
      </td>
      <td className="py-2 text-xs text-stone-500" title={env.checkedAt}>
        {new Date(env.checkedAt).toLocaleTimeString()} · {env.durationMs} ms
      </td>
    </tr>
  );
}
