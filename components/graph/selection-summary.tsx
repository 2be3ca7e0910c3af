/** What the selected environments mean: one's pending path, or what promoting one to the other applies, in order. */
import type { GraphEnvironment, GraphRevision } from "@/lib/graph-view/graph-model";
import { shortId, truncate } from "@/components/graph/graph-style";

/** One environment selected: its pending revisions; two: what promotion applies, and what only the target has. */
export type GraphSelection = { kind: "pending"; env: GraphEnvironment; ids: string[] } | { kind: "between"; from: GraphEnvironment; to: GraphEnvironment; ids: string[]; extra: string[] };

export function SelectionSummary({ selection, revisions, onOpen }: { selection: GraphSelection; revisions: ReadonlyMap<string, GraphRevision>; onOpen(id: string): void }) {
  return (
    <section aria-label="Selection" data-testid="graph-selection" className="rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sm">
      {selection.kind === "pending" ? (
        <p>
          <strong>{selection.env.name}</strong> {selection.ids.length === 0 ? "has nothing pending." : `has ${selection.ids.length} pending revision(s) to reach the heads, highlighted in amber:`}
        </p>
      ) : (
        <p>
          Promoting <strong>{selection.from.name}</strong> to <strong>{selection.to.name}</strong> would apply {selection.ids.length === 0 ? "nothing." : `${selection.ids.length} revision(s), highlighted in blue, in this order:`}
          {selection.extra.length > 0 ? ` (${selection.to.name} also has ${selection.extra.length} that ${selection.from.name} lacks, in violet.)` : ""}
        </p>
      )}
      {selection.ids.length > 0 ? (
        <ol data-testid="selection-list" className="mt-1 flex max-h-40 flex-wrap gap-x-3 gap-y-1 overflow-auto">
          {selection.ids.map((id, i) => (
            <li key={id} data-revision={id}>
              <span className="text-stone-500">{i + 1}.</span>{" "}
              <button type="button" className="font-mono text-sky-800 underline" onClick={() => onOpen(id)} title={revisions.get(id)?.message}>
                {shortId(id, 14)}
              </button>{" "}
              <span className="text-stone-600">{truncate(revisions.get(id)?.message ?? "", 40)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
