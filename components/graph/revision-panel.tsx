"use client";

/** The side panel for one revision: facts, environments that have it, and its highlighted source. */
import { useMemo } from "react";
import hljs from "highlight.js/lib/core";
import python from "highlight.js/lib/languages/python";
import type { GraphEnvironment, GraphProblem, GraphRevision, SignOffMark } from "@/lib/graph-view/graph-model";
import type { LintFinding } from "@/lib/lint/types";
import { STATE_COLOR, shortId } from "@/components/graph/graph-style";
import { useRevisionSource } from "@/components/graph/use-revision-source";
import "@/components/graph/python-highlight.css";

if (!hljs.getLanguage("python")) hljs.registerLanguage("python", python);

export function RevisionPanel(props: {
  project: string;
  revision: GraphRevision;
  environments: readonly GraphEnvironment[];
  applied: ReadonlyMap<string, ReadonlySet<string>>;
  problems: GraphProblem[];
  signOffs: SignOffMark[];
  /** This revision's lint findings against its own parent. */
  lint?: { state: "loading" } | { state: "failed"; message: string } | { state: "ok"; findings: LintFinding[] };
  isHead: boolean;
  onOpen(id: string): void;
  onClose(): void;
}) {
  const { revision: r } = props;
  const source = useRevisionSource(props.project, r.id);
  const html = useMemo(() => (source.data ? hljs.highlight(source.data.source, { language: "python", ignoreIllegals: true }).value : null), [source.data]);
  const missingParents = r.downRevisions.filter((d) => !r.parents.includes(d));

  return (
    <aside aria-label={`Revision ${r.id}`} data-testid="revision-panel" className="flex max-h-[80vh] w-[30rem] shrink-0 flex-col overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm">
      <header className="flex items-start justify-between gap-2 border-b border-stone-200 px-4 py-2">
        <div className="min-w-0">
          <h2 className="font-mono text-sm font-semibold break-all">{r.id}</h2>
          <p className="text-sm text-stone-700">{r.message || "(no message)"}</p>
        </div>
        <button type="button" onClick={props.onClose} aria-label="Close the revision panel" className="rounded px-2 text-lg leading-none hover:bg-stone-100">
          ×
        </button>
      </header>
      <div className="overflow-auto px-4 py-3 text-sm">
        <dl className="grid grid-cols-[7rem_1fr] gap-x-2 gap-y-1">
          <dt className="text-stone-500">Created</dt>
          <dd>{source.data?.revision.createDate ?? r.createDate ?? "—"}</dd>
          <dt className="text-stone-500">File</dt>
          <dd className="font-mono text-xs break-all" data-testid="revision-path">
            {source.data?.revision.relativePath ?? r.relativePath}
          </dd>
          <dt className="text-stone-500">Parents</dt>
          <dd>
            <IdLinks ids={r.parents} onOpen={props.onOpen} empty={r.isBase ? "none (a base)" : "—"} />
            {missingParents.map((m) => (
              <span key={m} className="ml-1 font-mono text-xs text-red-700" title="This down_revision names no revision">
                {m} (missing)
              </span>
            ))}
          </dd>
          <dt className="text-stone-500">Children</dt>
          <dd>
            <IdLinks ids={r.children} onOpen={props.onOpen} empty={props.isHead ? "none (a head)" : "—"} />
          </dd>
          {r.dependsOn.length > 0 || r.declaredDependsOn.length > 0 ? (
            <>
              <dt className="text-stone-500">Depends on</dt>
              <dd>
                <IdLinks ids={r.dependsOn} onOpen={props.onOpen} empty={r.declaredDependsOn.join(", ")} />
              </dd>
            </>
          ) : null}
          <dt className="text-stone-500">Branch labels</dt>
          <dd>
            {r.effectiveBranchLabels.length > 0 ? r.effectiveBranchLabels.join(", ") : "—"}
            {r.branchLabels.length > 0 ? ` (declares ${r.branchLabels.join(", ")})` : ""}
          </dd>
          <dt className="text-stone-500">Applied in</dt>
          <dd data-testid="revision-applied-in" className="flex flex-wrap gap-1">
            {props.environments.map((e) => {
              const has = props.applied.get(e.name)?.has(r.id) ?? false;
              return (
                <span
                  key={e.name}
                  data-env={e.name}
                  data-applied={has ? "true" : "false"}
                  className={`rounded-full px-2 py-0.5 text-xs font-semibold ${has ? "text-white" : "bg-stone-100 text-stone-500 line-through"}`}
                  style={has ? { backgroundColor: STATE_COLOR[e.state] } : undefined}
                  title={has ? `${e.name} has this revision applied` : `${e.name} does not have it`}
                >
                  {e.name}
                </span>
              );
            })}
          </dd>
          <dt className="text-stone-500">Signed off</dt>
          <dd data-testid="revision-signoffs">
            {props.signOffs.length === 0 ? (
              "—"
            ) : (
              <ul className="space-y-0.5">
                {props.signOffs.map((s, i) => (
                  <li key={i}>
                    ✓ on <strong>{s.environment}</strong> by {s.by}, {s.at.slice(0, 10)}
                    {s.note ? <span className="text-stone-600"> — {s.note}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
        {props.problems.length > 0 ? (
          <ul aria-label="Problems" className="mt-3 list-disc space-y-1 pl-5 text-red-800">
            {props.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        ) : null}
        {props.lint ? <RevisionLint lint={props.lint} /> : null}
        <h3 className="mt-4 mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Source</h3>
        {source.isPending ? <p className="text-stone-500">Loading the migration…</p> : null}
        {source.isError ? (
          <p role="alert" className="text-red-700">
            Could not load the source: {source.error.message}
          </p>
        ) : null}
        {html !== null ? (
          <pre className="cairn-hljs overflow-auto rounded bg-stone-950 p-3 text-xs leading-relaxed" data-testid="revision-source">
            <code className="hljs language-python" dangerouslySetInnerHTML={{ __html: html }} />
          </pre>
        ) : null}
      </div>
    </aside>
  );
}

function RevisionLint({ lint }: { lint: NonNullable<Parameters<typeof RevisionPanel>[0]["lint"]> }) {
  return (
    <section data-testid="revision-lint" className="mt-3">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Lint (against its parent)</h3>
      {lint.state === "loading" ? <p className="text-stone-500">Linting the migrations…</p> : null}
      {lint.state === "failed" ? (
        <p role="alert" className="text-amber-800">
          {lint.message}
        </p>
      ) : null}
      {lint.state === "ok" && lint.findings.length === 0 ? <p className="text-stone-600">No finding: nothing here locks, drops, renames or fails that lint can see.</p> : null}
      {lint.state === "ok" && lint.findings.length > 0 ? (
        <ul className="space-y-2">
          {lint.findings.map((f, i) => (
            <li key={i} data-lint-rule={f.rule} className={f.acknowledged ? "text-stone-500" : ""}>
              <span className={`mr-1 rounded px-1 text-xs font-semibold ${f.severity === "error" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-800"}`}>{f.severity}</span>
              <span className="font-mono text-xs">{f.rule}</span>
              {f.line ? <span className="text-xs text-stone-500"> line {f.line}</span> : null}
              <p>{f.message}</p>
              {f.acknowledged ? <p className="text-xs">Acknowledged: {f.acknowledged}</p> : <p className="text-xs text-stone-600">Safe pattern: {f.fix}</p>}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function IdLinks({ ids, onOpen, empty }: { ids: string[]; onOpen(id: string): void; empty: string }) {
  if (ids.length === 0) return <span className="text-stone-500">{empty}</span>;
  return (
    <span className="flex flex-wrap gap-x-2">
      {ids.map((id) => (
        <button key={id} type="button" className="font-mono text-xs text-sky-800 underline" onClick={() => onOpen(id)} title={id}>
          {shortId(id, 16)}
        </button>
      ))}
    </span>
  );
}
