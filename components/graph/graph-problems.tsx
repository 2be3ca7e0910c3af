/** The banner above the graph: several heads (each a link) and the migrations' errors, when there are any. */
import type { GraphData, GraphRevision } from "@/lib/graph-view/graph-model";
import { shortId } from "@/components/graph/graph-style";
import { MergeHelpPanel } from "@/components/graph/merge-help-panel";

export function GraphProblems({ data, revisions, onJump }: { data: GraphData; revisions: ReadonlyMap<string, GraphRevision>; onJump(id: string): void }) {
  const headsProblem = data.problems.find((p) => p.code === "multiple-heads");
  const errors = data.problems.filter((p) => p.severity === "error");
  if (!(data.heads.length > 1 || errors.length > 0)) return null;
  return (
    <section aria-label="Problems" data-testid="graph-problems" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm">
      {data.heads.length > 1 ? (
        <p data-testid="graph-heads">
          <strong>{data.heads.length} heads:</strong>{" "}
          {data.heads.map((h, i) => (
            <span key={h}>
              {i > 0 ? ", " : ""}
              <button type="button" className="font-mono text-sky-800 underline" onClick={() => onJump(h)}>
                {shortId(h, 16)}
              </button>
              {revisions.get(h)?.effectiveBranchLabels.length ? ` [${revisions.get(h)!.effectiveBranchLabels.join(", ")}]` : ""}
            </span>
          ))}
          {headsProblem ? <span className="text-stone-700"> — {headsProblem.message}</span> : null}
        </p>
      ) : null}
      {/* Heads on their own branch labels are intended ("info"); unlabelled ones need a merge. */}
      {headsProblem?.severity === "error" ? <MergeHelpPanel project={data.project} /> : null}
      {errors.length > 0 ? (
        <details className="mt-1">
          <summary className="cursor-pointer font-semibold text-red-800">{errors.length} error(s) in the migrations</summary>
          <ul className="mt-1 list-disc pl-5 text-red-900">
            {errors.slice(0, 50).map((p, i) => (
              <li key={i}>
                {p.revision && revisions.has(p.revision) ? (
                  <button type="button" className="mr-1 font-mono underline" onClick={() => onJump(p.revision!)}>
                    {shortId(p.revision, 14)}
                  </button>
                ) : null}
                {p.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
