import { RevisionId } from "@/components/ui/revision-id";
import { signOffsByRevision } from "@/lib/signoffs/signoffs-by-revision";
import type { SignOffView } from "@/lib/signoffs/signoff.types";

/** Per revision (newest first): which sign-offs in force cover it, by whom, when, with what note. */
export function RevisionCoverage({ history, signOffs }: { history: { id: string; message: string }[]; signOffs: SignOffView[] }) {
  const byRevision = signOffsByRevision(signOffs);
  return (
    <ul className="divide-y divide-stone-100 text-sm" data-testid="revision-coverage">
      {history.map((r) => {
        const cover = byRevision.get(r.id);
        const active = cover?.active ?? [];
        return (
          <li key={r.id} data-revision={r.id} data-signed-off={active.length > 0 ? "yes" : "no"} className="flex flex-wrap items-baseline gap-2 py-1">
            <span aria-hidden className={active.length ? "text-green-700" : "text-stone-300"}>
              {active.length ? "✔" : "○"}
            </span>
            <RevisionId id={r.id} />
            <span className="text-stone-700">{r.message}</span>
            <span className="ml-auto text-xs text-stone-600">
              {active.length === 0
                ? cover?.revoked.length
                  ? "sign-off revoked"
                  : "not signed off"
                : active.map((s) => `${s.environment} · ${s.signedBy?.email ?? "?"} · ${s.createdAt.slice(0, 10)}${s.note ? ` · “${s.note}”` : ""}`).join("; ")}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
