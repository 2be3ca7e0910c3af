import Link from "next/link";
import { RunStatusBadge } from "@/components/runs/run-status-badge";
import { RevisionId } from "@/components/ui/revision-id";
import type { RunView } from "@/lib/runs/run-request.types";

/** Runs, newest first, each linking to its page. */
export function RunTable({ runs, showEnvironment = true }: { runs: RunView[]; showEnvironment?: boolean }) {
  if (runs.length === 0) return <p className="text-sm text-stone-600">No runs yet.</p>;
  return (
    <table className="w-full border-collapse text-sm">
      <thead>
        <tr className="border-b border-stone-200 text-left text-xs tracking-wide text-stone-500 uppercase">
          <th className="py-2 pr-3 font-medium">When</th>
          {showEnvironment && <th className="py-2 pr-3 font-medium">Environment</th>}
          <th className="py-2 pr-3 font-medium">Kind</th>
          <th className="py-2 pr-3 font-medium">From → to</th>
          <th className="py-2 pr-3 font-medium">Status</th>
          <th className="py-2 font-medium">Requested by</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} className="border-b border-stone-100" data-testid={`run-${r.id}`}>
            <td className="py-2 pr-3">
              <Link className="text-sky-700 hover:underline" href={`/runs/${r.id}`}>
                {r.createdAt.slice(0, 19).replace("T", " ")}
              </Link>
            </td>
            {showEnvironment && (
              <td className="py-2 pr-3">
                <Link className="hover:underline" href={`/projects/${encodeURIComponent(r.project)}/envs/${encodeURIComponent(r.environment)}`}>
                  {r.project}/{r.environment}
                </Link>
              </td>
            )}
            <td className="py-2 pr-3">{r.kind}</td>
            <td className="py-2 pr-3">
              {r.fromRevisions.length ? r.fromRevisions.map((x) => <RevisionId key={x} id={x} />) : "base"} → <RevisionId id={r.target} />
            </td>
            <td className="py-2 pr-3">
              <RunStatusBadge status={r.status} />
              {r.status === "stale" && <span className="block text-xs text-stone-600">{r.environment} moved after it was requested; request again.</span>}
              {r.status === "running" && r.cancelRequestedAt && <span className="block text-xs text-stone-600">Asked to stop by {r.cancelRequestedBy}.</span>}
            </td>
            <td className="py-2">{r.requestedBy.email}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
