import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { AuditEventView } from "@/lib/audit/audit-query.types";

function tone(outcome: string | null): BadgeTone {
  if (!outcome) return "gray";
  if (["ok", "succeeded", "approved", "queued"].includes(outcome)) return "green";
  if (["failed", "refused", "rejected", "interrupted", "cancelled"].includes(outcome)) return "red";
  return "amber";
}

/** The audit rows; details fold open per row (no client code: a native <details>). */
export function AuditTable({ events }: { events: AuditEventView[] }) {
  if (events.length === 0) return <p className="text-sm text-stone-600">No audit events match these filters.</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="audit-table">
      <thead className="text-xs text-stone-500">
        <tr>
          <th className="py-1 pr-2">When (UTC)</th>
          <th className="py-1 pr-2">Who</th>
          <th className="py-1 pr-2">Action</th>
          <th className="py-1 pr-2">Environment</th>
          <th className="py-1 pr-2">From → to</th>
          <th className="py-1 pr-2">Outcome</th>
          <th className="py-1">Details</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-audit-action={e.action} className="border-t border-stone-100 align-top">
            <td className="py-1 pr-2 font-mono text-xs whitespace-nowrap">{e.at.replace("T", " ").slice(0, 19)}</td>
            <td className="py-1 pr-2">{e.actor}</td>
            <td className="py-1 pr-2 font-mono text-xs">{e.action}</td>
            <td className="py-1 pr-2">{e.project && e.environment ? `${e.project}/${e.environment}` : (e.environment ?? e.project ?? "")}</td>
            <td className="py-1 pr-2 font-mono text-xs">{e.fromRevision || e.toRevision ? `${e.fromRevision ?? "—"} → ${e.toRevision ?? "—"}` : ""}</td>
            <td className="py-1 pr-2">{e.outcome && <Badge tone={tone(e.outcome)}>{e.outcome}</Badge>}</td>
            <td className="py-1">
              {(Object.keys(e.details).length > 0 || e.runId) && (
                <details>
                  <summary className="cursor-pointer text-xs text-sky-700">show</summary>
                  {e.runId && (
                    <a href={`/runs/${e.runId}`} className="text-xs text-sky-700 hover:underline">
                      run {e.runId.slice(0, 8)}
                    </a>
                  )}
                  <pre className="mt-1 max-w-md overflow-x-auto rounded bg-stone-50 p-2 text-xs whitespace-pre-wrap">{JSON.stringify(e.details, null, 2)}</pre>
                </details>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
