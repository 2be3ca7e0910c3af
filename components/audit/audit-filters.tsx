import { AUDIT_FILTERS } from "@/lib/audit/audit-query.types";
import { Button } from "@/components/ui/button";

const LABELS: Record<(typeof AUDIT_FILTERS)[number], { label: string; placeholder?: string; type?: string }> = {
  project: { label: "Project" },
  environment: { label: "Environment" },
  actor: { label: "Actor", placeholder: "e-mail contains" },
  action: { label: "Action", placeholder: "e.g. signoff or run.approve" },
  outcome: { label: "Outcome", placeholder: "ok, refused, succeeded…" },
  from: { label: "From", type: "date" },
  to: { label: "To", type: "date" },
};

/** A plain GET form: the filters live in the URL, so a filtered view can be bookmarked and exported. */
export function AuditFilters({ values }: { values: Partial<Record<(typeof AUDIT_FILTERS)[number], string>> }) {
  const qs = new URLSearchParams();
  for (const k of AUDIT_FILTERS) if (values[k]) qs.set(k, values[k]!);
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-2" aria-label="Filter the audit trail">
      {AUDIT_FILTERS.map((k) => (
        <label key={k} className="text-xs">
          <span className="block font-medium text-stone-700">{LABELS[k].label}</span>
          <input name={k} type={LABELS[k].type ?? "text"} defaultValue={values[k] ?? ""} placeholder={LABELS[k].placeholder} className="w-36 rounded border border-stone-300 px-2 py-1 text-sm" />
        </label>
      ))}
      <Button type="submit" variant="primary">
        Filter
      </Button>
      <a href="/audit" className="px-1 py-1.5 text-sm text-stone-600 hover:underline">
        Clear
      </a>
      <a href={`/api/audit/export.csv${qs.size ? `?${qs}` : ""}`} download className="ml-auto rounded border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-50">
        Export CSV
      </a>
    </form>
  );
}
