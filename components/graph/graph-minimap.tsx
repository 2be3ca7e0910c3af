"use client";

/**
 * The whole graph in a strip beside the canvas: every edge as one thin path, landmarks as dots
 * (environments in their state's colour, heads black, merges and branch points blue and violet,
 * missing revisions red) and the viewport as a box that follows every pan and zoom outside React.
 * A click or a drag on the strip moves the viewport there.
 */
import { useEffect, useMemo, useRef, type PointerEvent } from "react";
import { NODE_WIDTH, type GraphEnvironment } from "@/lib/graph-view/graph-model";
import type { GraphView } from "@/lib/graph-view/expand-segments";
import type { Landmark } from "@/lib/graph-view/landmarks";
import { landmarkColour } from "@/components/graph/graph-style";
import type { Rect } from "@/components/graph/use-pan-zoom";

const WIDTH = 72;

export function GraphMinimap({
  view,
  landmarks,
  environments,
  onViewport,
  onPan,
}: {
  view: GraphView;
  landmarks: readonly Landmark[];
  environments: readonly GraphEnvironment[];
  onViewport(fn: (r: Rect) => void): () => void;
  onPan(x: number, y: number): void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const box = useRef<SVGRectElement>(null);
  const b = view.bounds;
  const pad = 24;
  const viewBox = `${b.minX - pad} ${b.minY - pad} ${b.maxX - b.minX + 2 * pad} ${b.maxY - b.minY + 2 * pad}`;

  const edgesPath = useMemo(() => {
    let d = "";
    for (const e of view.edges) {
      const pts = view.points[e.id];
      if (!pts || pts.length < 4) continue;
      d += `M${pts[0]} ${pts[1]}`;
      for (let i = 2; i < pts.length; i += 2) d += `L${pts[i]} ${pts[i + 1]}`;
    }
    return d;
  }, [view]);

  // The viewport box, moved on every pan and zoom without a React render.
  useEffect(
    () =>
      onViewport((r) => {
        const el = box.current;
        if (!el) return;
        el.setAttribute("x", String(r.x0));
        el.setAttribute("y", String(r.y0));
        el.setAttribute("width", String(Math.max(r.x1 - r.x0, 0)));
        el.setAttribute("height", String(Math.max(r.y1 - r.y0, 0)));
      }),
    [onViewport],
  );

  const dragging = useRef(false);
  const panFrom = (e: PointerEvent<SVGSVGElement>) => {
    const el = svg.current;
    const m = el?.getScreenCTM();
    if (!el || !m) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    onPan(p.x, p.y);
  };

  return (
    <svg
      ref={svg}
      data-testid="graph-minimap"
      aria-label="Overview of the whole graph: click or drag to move the view"
      role="img"
      viewBox={viewBox}
      preserveAspectRatio="xMidYMin meet"
      className="absolute top-0 right-0 h-full cursor-pointer touch-none border-l border-stone-200 bg-white/90"
      style={{ width: WIDTH }}
      onPointerDown={(e) => {
        dragging.current = true;
        svg.current?.setPointerCapture(e.pointerId);
        panFrom(e);
      }}
      onPointerMove={(e) => {
        if (dragging.current) panFrom(e);
      }}
      onPointerUp={(e) => {
        dragging.current = false;
        svg.current?.releasePointerCapture(e.pointerId);
      }}
    >
      <path d={edgesPath} fill="none" stroke="#a8a29e" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      {landmarks.map((l) => {
        const p = view.pos[l.id];
        if (!p) return null;
        // A zero-length round-capped stroke: a dot of 5 px at any scale.
        const colour = landmarkColour(l, environments);
        return <path key={l.id} d={`M${p[0] + NODE_WIDTH / 2} ${p[1] + p[3] / 2}h0`} stroke={colour} strokeWidth={5} strokeLinecap="round" vectorEffect="non-scaling-stroke" data-minimap-for={l.id} />;
      })}
      <rect ref={box} data-testid="graph-minimap-viewport" fill="#0284c7" fillOpacity={0.12} stroke="#0284c7" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
