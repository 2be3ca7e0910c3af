import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { Card } from "@/components/ui/card";
import { AUDIT_FILTERS, ZAuditQuery } from "@/lib/audit/audit-query.types";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { zodIssues } from "@/lib/api/error-response";
import { getDb } from "@/lib/db/client";
import { requirePageActor } from "@/lib/server/require-page-actor";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageActor("/audit");
  const raw = await searchParams;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string" && v !== "") values[k] = v;
  const parsed = ZAuditQuery.safeParse(values);
  const filters: Partial<Record<(typeof AUDIT_FILTERS)[number], string>> = {};
  for (const k of AUDIT_FILTERS) if (values[k]) filters[k] = values[k];
  const page = parsed.success ? await listAuditEvents(await getDb(), parsed.data) : null;
  const next = new URLSearchParams({ ...filters, ...(page?.nextCursor ? { cursor: page.nextCursor } : {}) });
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Audit trail</h1>
      <Card>
        <AuditFilters values={filters} />
      </Card>
      <Card title="Events, newest first">
        {!parsed.success ? (
          <p role="alert" className="text-sm text-red-800">
            These filters are invalid —{" "}
            {zodIssues(parsed.error)
              .map((i) => `${i.path}: ${i.message}`)
              .join("; ")}
            . Correct them and filter again.
          </p>
        ) : (
          <>
            <AuditTable events={page!.events} />
            <div className="mt-3 flex gap-4 text-sm">
              {values.cursor && (
                <a href={`/audit?${new URLSearchParams(filters)}`} className="text-sky-700 hover:underline">
                  ← Newest
                </a>
              )}
              {page!.nextCursor && (
                <a href={`/audit?${next}`} className="text-sky-700 hover:underline">
                  Older →
                </a>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
