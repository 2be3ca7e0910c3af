"use client";

/**
 * The graph page's ref selector: "what release/1.4 brings" — the migrations at a git ref of the
 * project's repository against the working tree (or another ref), and what each environment would
 * run if it were deployed. Asked on demand: each comparison spawns git on the server.
 */
import { useState, type FormEvent } from "react";
import type { ProjectAtRef } from "@/lib/git/project-at-ref.types";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";

const ids = (xs: string[]) => (xs.length ? xs.join(", ") : "none");

export function GraphAtRef({ project }: { project: string }) {
  const [ref, setRef] = useState("");
  const [base, setBase] = useState("");
  const [state, setState] = useState<{ loading: true } | { result: ProjectAtRef } | { error: string } | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ref.trim()) return;
    setState({ loading: true });
    const q = new URLSearchParams({ ref: ref.trim(), ...(base.trim() ? { base: base.trim() } : {}) });
    callApi<ProjectAtRef>("GET", `/api/projects/${encodeURIComponent(project)}/graph-at-ref?${q}`).then(
      (result) => setState({ result }),
      (err: unknown) => setState({ error: err instanceof Error ? err.message : "The ref could not be read." }),
    );
  };

  return (
    <details data-testid="graph-at-ref" className="rounded border border-stone-200 px-3 py-2 text-sm">
      <summary className="cursor-pointer font-semibold">Compare with a git ref</summary>
      <form onSubmit={submit} className="mt-2 flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-xs text-stone-600">
          Git ref (branch, tag or commit)
          <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="release/1.4" className="rounded border border-stone-300 px-2 py-1 font-mono text-sm text-stone-900" />
        </label>
        <label className="flex flex-col text-xs text-stone-600">
          Against (empty: the working tree)
          <input value={base} onChange={(e) => setBase(e.target.value)} placeholder="main" className="rounded border border-stone-300 px-2 py-1 font-mono text-sm text-stone-900" />
        </label>
        <Button type="submit" size="sm" disabled={!ref.trim() || (state !== null && "loading" in state)}>
          Compare
        </Button>
      </form>
      {state && "loading" in state ? <p className="mt-2 text-stone-600">Reading the ref…</p> : null}
      {state && "error" in state ? (
        <p role="alert" className="mt-2 text-red-800">
          {state.error}
        </p>
      ) : null}
      {state && "result" in state ? <Comparison r={state.result} /> : null}
    </details>
  );
}

function Comparison({ r }: { r: ProjectAtRef }) {
  const c = r.comparison;
  return (
    <div data-testid="graph-at-ref-result" className="mt-2 space-y-2">
      <p>
        <span className="font-mono">{r.ref}</span> ({r.commit.slice(0, 12)}) against {c.base === "working tree" ? "the working tree" : <span className="font-mono">{c.base}</span>}: {r.revisions} revisions, heads{" "}
        <span className="font-mono">{ids(r.heads)}</span>
      </p>
      <ul className="list-disc pl-5">
        <li>
          Added ({c.added.length}): <span className="font-mono">{ids(c.added)}</span>
        </li>
        <li>
          Removed ({c.removed.length}): <span className="font-mono">{ids(c.removed)}</span>
        </li>
        <li>
          Edited ({c.edited.length}): <span className="font-mono">{ids(c.edited)}</span>
        </li>
        <li>
          New heads ({c.newHeads.length}): <span className="font-mono">{ids(c.newHeads)}</span>
        </li>
      </ul>
      {r.errors.length ? (
        <ul className="list-disc pl-5 text-red-900">
          {r.errors.slice(0, 20).map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
      <table className="text-left">
        <thead>
          <tr className="text-xs text-stone-600">
            <th className="pr-4">Environment</th>
            <th>Would run if {r.ref} were deployed</th>
          </tr>
        </thead>
        <tbody>
          {r.environments.map((e) => (
            <tr key={e.environment} data-testid={`graph-at-ref-env-${e.environment}`}>
              <td className="pr-4 font-medium">{e.environment}</td>
              <td>{"error" in e ? <span className="text-amber-800">{e.error}</span> : <span className="font-mono">{e.pending.length ? e.pending.join(" → ") : "nothing (up to date)"}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
