"use client";

/**
 * The SVG canvas of the revision graph. Only nodes and edges near the viewport are in the DOM
 * (usePanZoom keeps that window), so 5,000 revisions pan smoothly; useGraphKeyboard moves focus
 * between nodes; GraphNode and EdgePath draw them. Zoomed out, GraphLabels keeps the landmarks
 * (heads, merges, branch points, environments) labelled at a readable size, and GraphMinimap shows
 * the whole graph with the viewport on it.
 */
import type { RevisionLintBadge } from "@/lib/lint/summarize-revision-lint";
import { forwardRef, useCallback, useImperativeHandle, useMemo } from "react";
import type { GraphEnvironment, GraphProblem, GraphRevision, ModelNode, SignOffMark } from "@/lib/graph-view/graph-model";
import type { GraphView } from "@/lib/graph-view/expand-segments";
import { landmarksOf, placeLabels } from "@/lib/graph-view/landmarks";
import { EdgePath } from "@/components/graph/edge-path";
import { GraphLabels } from "@/components/graph/graph-labels";
import { GraphMinimap } from "@/components/graph/graph-minimap";
import { GraphNode } from "@/components/graph/graph-node";
import { useGraphKeyboard } from "@/components/graph/use-graph-keyboard";
import { intersects, usePanZoom, type Rect } from "@/components/graph/use-pan-zoom";

export interface GraphCanvasHandle {
  fit(): void;
  zoomBy(factor: number): void;
  /** Pans so the node is in the middle (zooming in if far out) and focuses it. */
  centerOn(nodeId: string, focus?: boolean): void;
}

export interface GraphCanvasProps {
  view: GraphView;
  revisions: ReadonlyMap<string, GraphRevision>;
  environments: readonly GraphEnvironment[];
  markers: ReadonlyMap<string, string[]>;
  problems: ReadonlyMap<string, GraphProblem[]>;
  /** Sign-offs in force, by revision. */
  signOffs?: Readonly<Record<string, SignOffMark[]>>;
  /** Lint badges by revision (revisions with findings only), once loaded. */
  lint?: ReadonlyMap<string, RevisionLintBadge>;
  heads: ReadonlySet<string>;
  /** Revision id → why it is highlighted. */
  highlight: ReadonlyMap<string, "pending" | "between" | "extra">;
  selectedEnvs: readonly string[];
  selectedRevision: string | null;
  searchHit: string | null;
  onOpenRevision(id: string): void;
  onExpandSegment(id: string): void;
  onToggleEnv(name: string): void;
}

export const GraphCanvas = forwardRef<GraphCanvasHandle, GraphCanvasProps>(function GraphCanvas(props, ref) {
  const { view } = props;
  const { svgRef, gRef, win, visibleRect, fit, panTo, panToPoint, onViewport, zoomBy, svgHandlers } = usePanZoom(view);

  const visibleNodes = useMemo(
    () =>
      view.nodes.filter((n) => {
        const p = view.pos[n.id];
        return p && intersects(win, p[0], p[1], p[2], p[3]);
      }),
    [view, win],
  );

  const edgeBoxes = useMemo(() => {
    const out = new Map<string, Rect>();
    for (const e of view.edges) {
      const pts = view.points[e.id];
      if (!pts || pts.length < 4) continue;
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (let i = 0; i < pts.length; i += 2) {
        x0 = Math.min(x0, pts[i]!);
        x1 = Math.max(x1, pts[i]!);
        y0 = Math.min(y0, pts[i + 1]!);
        y1 = Math.max(y1, pts[i + 1]!);
      }
      out.set(e.id, { x0, y0, x1, y1 });
    }
    return out;
  }, [view]);

  const visibleEdges = useMemo(
    () =>
      view.edges.filter((e) => {
        const b = edgeBoxes.get(e.id);
        return b && intersects(win, b.x0, b.y0, b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
      }),
    [view.edges, edgeBoxes, win],
  );

  const landmarks = useMemo(() => landmarksOf(view.nodes, props.revisions, props.markers, props.heads), [view.nodes, props.revisions, props.markers, props.heads]);
  const labels = useMemo(() => {
    if (win.detail) return [];
    const inWindow = landmarks.filter((l) => {
      const p = view.pos[l.id];
      return p && intersects(win, p[0], p[1], p[2], p[3]);
    });
    return placeLabels(inWindow, view.pos, win.k);
  }, [landmarks, view.pos, win]);

  // Enter on a node: expand a segment, open a revision, or go to a missing reference's suggestion.
  function activate(n: ModelNode) {
    if (n.kind === "segment") props.onExpandSegment(n.id);
    else if (n.kind === "revision") props.onOpenRevision(n.id);
    else if (n.suggestion && view.pos[props.revisions.has(n.suggestion) ? (view.nodeOf[n.suggestion] ?? "") : ""]) centerOn(view.nodeOf[n.suggestion]!);
  }

  const { tabStop, focusNode, setFocusedId, onKeyDown } = useGraphKeyboard({ view, gRef, visibleNodes, visibleRect, panTo, zoomBy, activate });

  function centerOn(nodeId: string, focus = true) {
    if (panTo(nodeId) && focus) focusNode(nodeId);
  }

  useImperativeHandle(ref, () => ({ fit, centerOn, zoomBy }));

  const highlightOf = useCallback(
    (n: ModelNode): "pending" | "between" | "extra" | undefined => {
      for (const m of n.members) {
        const h = props.highlight.get(m);
        if (h) return h;
      }
      return undefined;
    },
    [props.highlight],
  );

  const hotNodes = useMemo(() => {
    const out = new Set<string>();
    if (props.highlight.size === 0) return out;
    for (const n of view.nodes) if (n.members.some((m) => props.highlight.has(m))) out.add(n.id);
    return out;
  }, [view.nodes, props.highlight]);

  return (
    <>
      <svg
        ref={svgRef}
        role="group"
        aria-label="Revision graph. Arrow keys move between revisions (up: newer, down: older), Enter opens one."
        data-testid="graph-canvas"
        className="h-full w-full cursor-grab touch-none bg-stone-50 select-none active:cursor-grabbing"
        {...svgHandlers}
      >
        <g ref={gRef}>
          <g aria-hidden="true">
            {visibleEdges.map((e) => (
              <EdgePath key={e.id} kind={e.kind} pts={view.points[e.id]!} hot={hotNodes.has(e.source) && hotNodes.has(e.target)} />
            ))}
          </g>
          {visibleNodes.map((n) => (
            <GraphNode
              key={n.id}
              node={n}
              pos={view.pos[n.id]!}
              detail={win.detail}
              rev={n.kind === "revision" ? props.revisions.get(n.id) : undefined}
              envs={props.markers.get(n.id)}
              environments={props.environments}
              problems={props.problems.get(n.id)}
              signOffs={props.signOffs?.[n.id]}
              lint={n.kind === "revision" ? props.lint?.get(n.id) : undefined}
              isHead={props.heads.has(n.id)}
              highlight={highlightOf(n)}
              selected={props.selectedRevision === n.id}
              searchHit={props.searchHit !== null && n.members.includes(props.searchHit)}
              selectedEnvs={props.selectedEnvs}
              tabIndex={tabStop === n.id ? 0 : -1}
              onFocus={() => setFocusedId(n.id)}
              onActivate={() => activate(n)}
              onKeyDown={(e) => onKeyDown(e, n)}
              onToggleEnv={props.onToggleEnv}
            />
          ))}
          {labels.length > 0 ? <GraphLabels labels={labels} pos={view.pos} k={win.k} environments={props.environments} onCenter={(id) => centerOn(id)} /> : null}
        </g>
      </svg>
      <GraphMinimap view={view} landmarks={landmarks} environments={props.environments} onViewport={onViewport} onPan={panToPoint} />
    </>
  );
});
