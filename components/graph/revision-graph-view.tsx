"use client";

/**
 * The graph page's client side: environment legend and selection, search, the canvas or the list,
 * and the revision panel. Receives plain data and ELK's positions from the server.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import {
  appliedSet,
  fromGraphWire,
  markersByRevision,
  problemsByRevision,
  revisionsBetween,
  searchRevisions,
  withNodeIndex,
  type GraphModel,
  type GraphWire, type SignOffMark } from "@/lib/graph-view/graph-model";
import { expandSegments, type GraphLayout } from "@/lib/graph-view/expand-segments";
import { GraphCanvas, type GraphCanvasHandle } from "@/components/graph/graph-canvas";
import { RevisionPanel } from "@/components/graph/revision-panel";
import { RevisionList } from "@/components/graph/revision-list";
import { STATE_COLOR, STATE_LABEL, shortId, truncate } from "@/components/graph/graph-style";

export function RevisionGraphView({
  wire,
  edges,
  nodes,
  layout,
  signOffs = {},
}: {
  wire: GraphWire;
  nodes: GraphModel["nodes"];
  edges: GraphModel["edges"];
  layout: GraphLayout;
  /** QA sign-offs in force, by revision. */
  signOffs?: Record<string, SignOffMark[]>;
}) {
  const data = useMemo(() => fromGraphWire(wire), [wire]);
  const model = useMemo(() => withNodeIndex({ nodes, edges }), [nodes, edges]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedEnvs, setSelectedEnvs] = useState<string[]>([]);
  const [selectedRevision, setSelectedRevision] = useState<string | null>(null);
  const [mode, setMode] = useState<"graph" | "list">("graph");
  const [query, setQuery] = useState("");
  const [searchHit, setSearchHit] = useState<string | null>(null);
  const canvas = useRef<GraphCanvasHandle>(null);

  const view = useMemo(() => expandSegments(model, layout, expanded), [model, layout, expanded]);
  const revisions = useMemo(() => new Map(data.revisions.map((r) => [r.id, r])), [data.revisions]);
  const markers = useMemo(() => markersByRevision(data), [data]);
  const problems = useMemo(() => problemsByRevision(data), [data]);
  const heads = useMemo(() => new Set(data.heads), [data.heads]);
  const envByName = useMemo(() => new Map(data.environments.map((e) => [e.name, e])), [data.environments]);
  const applied = useMemo(() => new Map(data.environments.map((e) => [e.name, appliedSet(e.revisions, revisions)])), [data.environments, revisions]);

  const selection = useMemo(() => {
    const envs = selectedEnvs.map((n) => envByName.get(n)).filter((e) => e !== undefined);
    if (envs.length === 1) return { kind: "pending" as const, env: envs[0]!, ids: envs[0]!.pending };
    if (envs.length === 2) {
      // Promotion runs down the order: the earlier environment is the source.
      const [from, to] = [...envs].sort((a, b) => a.position - b.position) as [(typeof envs)[0], (typeof envs)[0]];
      const between = revisionsBetween(data, from, to);
      return { kind: "between" as const, from, to, ids: between.promote, extra: between.onlyInTarget };
    }
    return null;
  }, [selectedEnvs, envByName, data]);

  const highlight = useMemo(() => {
    const m = new Map<string, "pending" | "between" | "extra">();
    if (!selection) return m;
    for (const id of selection.ids) m.set(id, selection.kind);
    if (selection.kind === "between") for (const id of selection.extra) m.set(id, "extra");
    return m;
  }, [selection]);

  const toggleEnv = useCallback((name: string) => {
    setSelectedEnvs((cur) => (cur.includes(name) ? cur.filter((n) => n !== name) : [...cur, name].slice(-2)));
  }, []);

  /** Opens the segment holding `id` if it is collapsed, then centres and focuses the node. */
  const reveal = useCallback(
    (id: string, open = false) => {
      const owner = model.nodeOf[id];
      if (owner && owner !== id && !expanded.has(owner)) {
        const next = new Set(expanded).add(owner);
        setExpanded(next);
        // The canvas sees the new view on the next render; centre once it has it.
        requestAnimationFrame(() => requestAnimationFrame(() => canvas.current?.centerOn(id)));
      } else canvas.current?.centerOn(id);
      if (open) setSelectedRevision(id);
    },
    [model.nodeOf, expanded],
  );

  const openRevision = useCallback((id: string) => {
    if (mode === "graph") reveal(id, true);
    else setSelectedRevision(id);
  }, [mode, reveal]);

  const results = useMemo(() => searchRevisions(data, query, 12), [data, query]);
  const jumpTo = (id: string) => {
    setSearchHit(id);
    if (mode === "list") setSelectedRevision(id);
    else reveal(id);
  };

  const headsProblem = data.problems.find((p) => p.code === "multiple-heads");
  const errors = data.problems.filter((p) => p.severity === "error");

  return (
    <div className="flex flex-col gap-3">
      <section aria-label="Environments" className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-stone-600">Environments (select one for its pending path, two to compare):</span>
        {data.environments.map((e) => {
          const pressed = selectedEnvs.includes(e.name);
          return (
            <button
              key={e.name}
              type="button"
              aria-pressed={pressed}
              data-testid={`env-toggle-${e.name}`}
              onClick={() => toggleEnv(e.name)}
              title={e.error ?? `${e.name}: ${STATE_LABEL[e.state]}`}
              className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-xs font-semibold text-white ${pressed ? "ring-4 ring-sky-300" : ""}`}
              style={{ backgroundColor: STATE_COLOR[e.state] }}
            >
              {e.name}
              <span className="font-normal opacity-90">
                {STATE_LABEL[e.state]}
                {e.state === "behind" ? ` · ${e.pending.length} pending` : ""}
                {e.revisions.length === 0 && e.state !== "unreachable" ? " · no revision" : ""}
                {e.unknownRevisions.length > 0 ? ` · at ${e.unknownRevisions.map((r) => shortId(r, 12)).join(", ")} (not in repo)` : ""}
              </span>
              {e.protected ? <span className="rounded bg-white/25 px-1 font-normal">protected</span> : null}
            </button>
          );
        })}
        {selectedEnvs.length > 0 ? (
          <button type="button" onClick={() => setSelectedEnvs([])} className="text-xs text-sky-700 underline">
            clear selection
          </button>
        ) : null}
      </section>

      {(data.heads.length > 1 || errors.length > 0) && (
        <section aria-label="Problems" data-testid="graph-problems" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm">
          {data.heads.length > 1 ? (
            <p data-testid="graph-heads">
              <strong>{data.heads.length} heads:</strong>{" "}
              {data.heads.map((h, i) => (
                <span key={h}>
                  {i > 0 ? ", " : ""}
                  <button type="button" className="font-mono text-sky-800 underline" onClick={() => jumpTo(h)}>
                    {shortId(h, 16)}
                  </button>
                  {revisions.get(h)?.effectiveBranchLabels.length ? ` [${revisions.get(h)!.effectiveBranchLabels.join(", ")}]` : ""}
                </span>
              ))}
              {headsProblem ? <span className="text-stone-700"> — {headsProblem.message}</span> : null}
            </p>
          ) : null}
          {errors.length > 0 ? (
            <details className="mt-1">
              <summary className="cursor-pointer font-semibold text-red-800">{errors.length} error(s) in the migrations</summary>
              <ul className="mt-1 list-disc pl-5 text-red-900">
                {errors.slice(0, 50).map((p, i) => (
                  <li key={i}>
                    {p.revision && revisions.has(p.revision) ? (
                      <button type="button" className="mr-1 font-mono underline" onClick={() => jumpTo(p.revision!)}>
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
      )}

      <div className="flex flex-wrap items-center gap-2">
        <form
          role="search"
          className="relative"
          onSubmit={(e) => {
            e.preventDefault();
            if (results[0]) jumpTo(results[0].id);
          }}
        >
          <label className="sr-only" htmlFor="graph-search">
            Find a revision by id prefix or message
          </label>
          <input
            id="graph-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Find revision (id prefix or message)"
            className="w-72 rounded border border-stone-300 bg-white px-2 py-1 text-sm"
            autoComplete="off"
          />
          {query.trim() !== "" && (
            <ul aria-label="Search results" className="absolute z-20 mt-1 max-h-72 w-[28rem] overflow-auto rounded border border-stone-200 bg-white text-sm shadow-lg">
              {results.length === 0 ? <li className="px-2 py-1 text-stone-500">No revision matches “{query}”.</li> : null}
              {results.map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className="flex w-full gap-2 px-2 py-1 text-left hover:bg-sky-50"
                    onClick={() => {
                      jumpTo(r.id);
                      setQuery("");
                    }}
                  >
                    <code className="font-mono text-xs">{shortId(r.id, 16)}</code>
                    <span className="truncate text-stone-600">{r.message}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </form>
        <div role="group" aria-label="View" className="ml-auto flex gap-1">
          {mode === "graph" ? (
            <>
              <ToolButton label="Zoom in" onClick={() => canvas.current?.zoomBy(1.25)}>+</ToolButton>
              <ToolButton label="Zoom out" onClick={() => canvas.current?.zoomBy(0.8)}>−</ToolButton>
              <ToolButton label="Fit the whole graph" onClick={() => canvas.current?.fit()}>Fit</ToolButton>
              {model.nodes.some((n) => n.kind === "segment") ? (
                <ToolButton label={expanded.size > 0 ? "Collapse long runs" : "Expand all runs"} onClick={() => setExpanded(expanded.size > 0 ? new Set() : new Set(model.nodes.filter((n) => n.kind === "segment").map((n) => n.id)))}>
                  {expanded.size > 0 ? "Collapse runs" : "Expand runs"}
                </ToolButton>
              ) : null}
            </>
          ) : null}
          <ToolButton label={mode === "graph" ? "Show as a list" : "Show as a graph"} pressed={mode === "list"} onClick={() => setMode(mode === "graph" ? "list" : "graph")}>
            {mode === "graph" ? "List view" : "Graph view"}
          </ToolButton>
        </div>
      </div>

      {selection ? (
        <section aria-label="Selection" data-testid="graph-selection" className="rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sm">
          {selection.kind === "pending" ? (
            <p>
              <strong>{selection.env.name}</strong>{" "}
              {selection.ids.length === 0 ? "has nothing pending." : `has ${selection.ids.length} pending revision(s) to reach the heads, highlighted in amber:`}
            </p>
          ) : (
            <p>
              Promoting <strong>{selection.from.name}</strong> to <strong>{selection.to.name}</strong> would apply{" "}
              {selection.ids.length === 0 ? "nothing." : `${selection.ids.length} revision(s), highlighted in blue, in this order:`}
              {selection.extra.length > 0 ? ` (${selection.to.name} also has ${selection.extra.length} that ${selection.from.name} lacks, in violet.)` : ""}
            </p>
          )}
          {selection.ids.length > 0 ? (
            <ol data-testid="selection-list" className="mt-1 flex max-h-40 flex-wrap gap-x-3 gap-y-1 overflow-auto">
              {selection.ids.map((id, i) => (
                <li key={id} data-revision={id}>
                  <span className="text-stone-500">{i + 1}.</span>{" "}
                  <button type="button" className="font-mono text-sky-800 underline" onClick={() => openRevision(id)} title={revisions.get(id)?.message}>
                    {shortId(id, 14)}
                  </button>{" "}
                  <span className="text-stone-600">{truncate(revisions.get(id)?.message ?? "", 40)}</span>
                </li>
              ))}
            </ol>
          ) : null}
        </section>
      ) : null}

      <div className="flex gap-3">
        <div className={`min-w-0 flex-1 ${mode === "graph" ? "h-[70vh] overflow-hidden rounded-lg border border-stone-200 bg-white" : ""}`}>
          {mode === "graph" ? (
            <GraphCanvas
              ref={canvas}
              view={view}
              revisions={revisions}
              environments={data.environments}
              markers={markers}
              problems={problems}
              signOffs={signOffs}
              heads={heads}
              highlight={highlight}
              selectedEnvs={selectedEnvs}
              selectedRevision={selectedRevision}
              searchHit={searchHit}
              onOpenRevision={setSelectedRevision}
              onExpandSegment={(id) => setExpanded((cur) => new Set(cur).add(id))}
              onToggleEnv={toggleEnv}
            />
          ) : (
            <RevisionList data={data} markers={markers} problems={problems} heads={heads} highlight={highlight} selectedRevision={selectedRevision} onOpen={setSelectedRevision} />
          )}
        </div>
        {selectedRevision && revisions.get(selectedRevision) ? (
          <RevisionPanel
            key={selectedRevision}
            project={data.project}
            revision={revisions.get(selectedRevision)!}
            environments={data.environments}
            applied={applied}
            problems={problems.get(selectedRevision) ?? []}
            signOffs={signOffs[selectedRevision] ?? []}
            isHead={heads.has(selectedRevision)}
            onOpen={openRevision}
            onClose={() => setSelectedRevision(null)}
          />
        ) : null}
      </div>
      {mode === "graph" ? (
        <p className="text-xs text-stone-500">
          Newest at the top. Solid lines: down_revision; dashed violet: depends_on; dashed red: a reference to a missing revision. Drag to pan, wheel to zoom;
          Tab into the graph, then arrow keys move (up: newer, down: older) and Enter opens. Layout {layout.cached ? "from cache" : `${layout.layoutMs} ms`}.
        </p>
      ) : null}
    </div>
  );
}

function ToolButton({ label, onClick, pressed, children }: { label: string; onClick(): void; pressed?: boolean; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      {...(pressed !== undefined ? { "aria-pressed": pressed } : {})}
      onClick={onClick}
      className="min-w-8 rounded border border-stone-300 bg-white px-2 py-1 text-sm hover:bg-stone-100"
    >
      {children}
    </button>
  );
}
