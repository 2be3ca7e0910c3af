"use client";

/** The graph as a table in history order, for screen readers and people who prefer text. */
import type { GraphData, GraphProblem } from "@/lib/graph-view/graph-model";

export function RevisionList(props: {
  data: GraphData;
  markers: ReadonlyMap<string, string[]>;
  problems: ReadonlyMap<string, GraphProblem[]>;
  heads: ReadonlySet<string>;
  highlight: ReadonlyMap<string, "pending" | "between" | "extra">;
  selectedRevision: string | null;
  onOpen(id: string): void;
}) {
  const { data } = props;
  const missing = data.problems.filter((p) => p.reference);
  return (
    <div className="max-h-[75vh] overflow-auto rounded-lg border border-stone-200 bg-white">
      <table className="w-full border-collapse text-left text-sm" data-testid="revision-table">
        <caption className="px-3 py-2 text-left text-stone-600">
          {data.revisions.length} revisions, newest first ({data.heads.length} head{data.heads.length === 1 ? "" : "s"}).
          {props.highlight.size > 0 ? ` ${props.highlight.size} highlighted by the environment selection.` : ""}
        </caption>
        <thead className="sticky top-0 bg-stone-100 text-xs text-stone-600 uppercase">
          <tr>
            <th scope="col" className="px-3 py-1.5">
              Revision
            </th>
            <th scope="col" className="px-3 py-1.5">
              Message
            </th>
            <th scope="col" className="px-3 py-1.5">
              Labels
            </th>
            <th scope="col" className="px-3 py-1.5">
              Parents
            </th>
            <th scope="col" className="px-3 py-1.5">
              Environments at it
            </th>
            <th scope="col" className="px-3 py-1.5">
              Problems
            </th>
          </tr>
        </thead>
        <tbody>
          {data.revisions.map((r) => {
            const h = props.highlight.get(r.id);
            const problems = props.problems.get(r.id) ?? [];
            return (
              <tr
                key={r.id}
                data-revision={r.id}
                {...(h ? { "data-highlight": h } : {})}
                aria-selected={props.selectedRevision === r.id}
                className={`border-t border-stone-100 align-top ${h === "pending" ? "bg-amber-50" : h === "between" ? "bg-sky-50" : h === "extra" ? "bg-fuchsia-50" : ""}`}
              >
                <th scope="row" className="px-3 py-1 font-normal">
                  <button type="button" className="font-mono text-xs break-all text-sky-800 underline" onClick={() => props.onOpen(r.id)}>
                    {r.id}
                  </button>
                  {props.heads.has(r.id) ? <span className="ml-1 rounded bg-stone-900 px-1 text-[10px] text-white">head</span> : null}
                  {h ? <span className="sr-only"> ({h === "extra" ? "only in the target" : h})</span> : null}
                </th>
                <td className="px-3 py-1">{r.message}</td>
                <td className="px-3 py-1">{r.effectiveBranchLabels.join(", ")}</td>
                <td className="px-3 py-1 font-mono text-xs">{r.downRevisions.join(", ") || "(base)"}</td>
                <td className="px-3 py-1">{(props.markers.get(r.id) ?? []).join(", ")}</td>
                <td className="px-3 py-1 text-red-800">{problems.map((p) => p.message).join(" ")}</td>
              </tr>
            );
          })}
          {missing.map((p, i) => (
            <tr key={`missing-${i}`} className="border-t border-stone-100 bg-red-50 align-top" data-missing={p.reference}>
              <th scope="row" className="px-3 py-1 font-mono text-xs font-normal text-red-800">
                {p.reference} (missing)
              </th>
              <td className="px-3 py-1 text-red-800" colSpan={5}>
                Named by {p.revision} but no such revision exists{p.suggestion ? `; did you mean ${p.suggestion}?` : "."}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
