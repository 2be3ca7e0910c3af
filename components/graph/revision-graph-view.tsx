"use client";

/**
 * The graph page's client side: it holds the page's state (selected environments and revision,
 * opened segments, graph or list) and lays out the environment picker, the problems banner, search
 * and view buttons, the selection summary, the canvas or the list, and the revision panel.
 * Receives the graph as plain data; collapses long runs and lays it out here (layout-lanes.ts: about
 * 2 ms for open-event-server's 588 revisions), so the server sends no positions and runs no layout.
 */
import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { appliedSet, buildGraphModel, fromGraphWire, markersByRevision, problemsByRevision, revisionsBetween, type GraphWire, type SignOffMark } from "@/lib/graph-view/graph-model";
import { expandSegments } from "@/lib/graph-view/expand-segments";
import { layoutLanes } from "@/lib/graph-view/layout-lanes";
import { EnvironmentPicker } from "@/components/graph/environment-picker";
import { GraphCanvas, type GraphCanvasHandle } from "@/components/graph/graph-canvas";
import { GraphProblems } from "@/components/graph/graph-problems";
import { RevisionList } from "@/components/graph/revision-list";
import { RevisionPanel } from "@/components/graph/revision-panel";
import { RevisionSearch } from "@/components/graph/revision-search";
import { SelectionSummary, type GraphSelection } from "@/components/graph/selection-summary";
import { useRevisionLint, useRevisionLintFindings } from "@/components/graph/use-revision-lint";
import { revisionLintBadge, type RevisionLintBadge } from "@/lib/lint/summarize-revision-lint";

export function RevisionGraphView({
  wire,
  signOffs = {},
}: {
  wire: GraphWire;
  /** QA sign-offs in force, by revision. */
  signOffs?: Record<string, SignOffMark[]>;
}) {
  const data = useMemo(() => fromGraphWire(wire), [wire]);
  const model = useMemo(() => buildGraphModel(data), [data]);
  const layout = useMemo(() => layoutLanes(model), [model]);
  // The layout time shown is the browser's, so it appears once hydrated: the server's render timed its own
  // layout, and that text differing at hydration made React drop the server's markup and render the page again.
  const hydrated = useSyncExternalStore(noSubscription, isBrowser, isServer);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedEnvs, setSelectedEnvs] = useState<string[]>([]);
  const [selectedRevision, setSelectedRevision] = useState<string | null>(null);
  const [mode, setMode] = useState<"graph" | "list">("graph");
  const [searchHit, setSearchHit] = useState<string | null>(null);
  const canvas = useRef<GraphCanvasHandle>(null);
  // Fetched once the page has rendered: the first lint of a graph version runs Alembic.
  const lintQuery = useRevisionLint(data.project);
  const lintSummary = lintQuery.data?.ok ? lintQuery.data : undefined;
  const lint = useMemo(() => {
    if (!lintSummary) return undefined;
    const badges = new Map<string, RevisionLintBadge>();
    for (const id of Object.keys(lintSummary.revisions)) badges.set(id, revisionLintBadge(lintSummary, id)!);
    return badges;
  }, [lintSummary]);
  // The side panel's findings: asked for only when the badge says there are some (acknowledged ones included).
  const selectedHasLint = selectedRevision !== null && lint?.has(selectedRevision) === true;
  const findingsQuery = useRevisionLintFindings(data.project, selectedRevision ?? "", selectedHasLint);

  const view = useMemo(() => expandSegments(model, layout, expanded), [model, layout, expanded]);
  const revisions = useMemo(() => new Map(data.revisions.map((r) => [r.id, r])), [data.revisions]);
  const markers = useMemo(() => markersByRevision(data), [data]);
  const problems = useMemo(() => problemsByRevision(data), [data]);
  const heads = useMemo(() => new Set(data.heads), [data.heads]);
  const envByName = useMemo(() => new Map(data.environments.map((e) => [e.name, e])), [data.environments]);
  const applied = useMemo(() => new Map(data.environments.map((e) => [e.name, appliedSet(e.revisions, revisions)])), [data.environments, revisions]);

  const selection = useMemo((): GraphSelection | null => {
    const envs = selectedEnvs.map((n) => envByName.get(n)).filter((e) => e !== undefined);
    if (envs.length === 1) return { kind: "pending", env: envs[0]!, ids: envs[0]!.pending };
    if (envs.length === 2) {
      // Promotion runs down the order: the earlier environment is the source.
      const [from, to] = [...envs].sort((a, b) => a.position - b.position) as [(typeof envs)[0], (typeof envs)[0]];
      const between = revisionsBetween(data, from, to);
      return { kind: "between", from, to, ids: between.promote, extra: between.onlyInTarget };
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

  const openRevision = useCallback(
    (id: string) => {
      if (mode === "graph") reveal(id, true);
      else setSelectedRevision(id);
    },
    [mode, reveal],
  );

  const jumpTo = (id: string) => {
    setSearchHit(id);
    if (mode === "list") setSelectedRevision(id);
    else reveal(id);
  };

  return (
    <div className="flex flex-col gap-3">
      <EnvironmentPicker environments={data.environments} selected={selectedEnvs} onToggle={toggleEnv} onClear={() => setSelectedEnvs([])} />

      <GraphProblems data={data} revisions={revisions} onJump={jumpTo} />

      <div className="flex flex-wrap items-center gap-2">
        <RevisionSearch data={data} onJump={jumpTo} />
        <div role="group" aria-label="View" className="ml-auto flex gap-1">
          {mode === "graph" ? (
            <>
              <ToolButton label="Zoom in" onClick={() => canvas.current?.zoomBy(1.25)}>
                +
              </ToolButton>
              <ToolButton label="Zoom out" onClick={() => canvas.current?.zoomBy(0.8)}>
                −
              </ToolButton>
              <ToolButton label="Fit the whole graph" onClick={() => canvas.current?.fit()}>
                Fit
              </ToolButton>
              {model.nodes.some((n) => n.kind === "segment") ? (
                <ToolButton
                  label={expanded.size > 0 ? "Collapse long runs" : "Expand all runs"}
                  onClick={() => setExpanded(expanded.size > 0 ? new Set() : new Set(model.nodes.filter((n) => n.kind === "segment").map((n) => n.id)))}
                >
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

      {selection ? <SelectionSummary selection={selection} revisions={revisions} onOpen={openRevision} /> : null}

      <div className="flex gap-3">
        <div className={`min-w-0 flex-1 ${mode === "graph" ? "relative h-[70vh] overflow-hidden rounded-lg border border-stone-200 bg-white" : ""}`}>
          {mode === "graph" ? (
            <GraphCanvas
              ref={canvas}
              view={view}
              revisions={revisions}
              environments={data.environments}
              markers={markers}
              problems={problems}
              signOffs={signOffs}
              {...(lint ? { lint } : {})}
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
            lint={
              lintQuery.isPending
                ? { state: "loading" }
                : !lintQuery.data?.ok
                  ? { state: "failed", message: lintQuery.data && !lintQuery.data.ok ? lintQuery.data.message : "Lint could not be loaded." }
                  : !selectedHasLint
                    ? { state: "ok", findings: [] }
                    : findingsQuery.isPending
                      ? { state: "loading" }
                      : findingsQuery.data?.ok
                        ? { state: "ok", findings: findingsQuery.data.revisions[selectedRevision] ?? [] }
                        : { state: "failed", message: findingsQuery.data && !findingsQuery.data.ok ? findingsQuery.data.message : "Lint could not be loaded." }
            }
            isHead={heads.has(selectedRevision)}
            onOpen={openRevision}
            onClose={() => setSelectedRevision(null)}
          />
        ) : null}
      </div>
      {mode === "graph" ? (
        <p className="text-xs text-stone-500">
          Newest at the top. Solid lines: down_revision; dashed violet: depends_on; dashed red: a reference to a missing revision. Drag to pan, wheel to zoom; Tab into the graph, then arrow keys move (up: newer, down: older) and
          Enter opens.{hydrated ? ` Layout ${layout.layoutMs} ms.` : null}
        </p>
      ) : null}
    </div>
  );
}

const noSubscription = () => () => {};
const isBrowser = () => true;
const isServer = () => false;

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
