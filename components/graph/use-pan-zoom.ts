"use client";

/**
 * Pan (drag), zoom (wheel, buttons) and fit for the graph canvas. The transform lives in a ref and
 * is written straight onto one <g> outside React; React only re-renders when the viewport leaves
 * the rendered window (`win`), so 5,000 revisions pan smoothly.
 */
import { useCallback, useEffect, useRef, useState, type MouseEvent, type PointerEvent } from "react";
import type { ModelNode } from "@/lib/graph-view/graph-model";
import type { GraphView } from "@/lib/graph-view/expand-segments";

/** A rectangle in graph coordinates. */
export type Rect = { x0: number; y0: number; x1: number; y1: number };
type Transform = { x: number; y: number; k: number };

/** Low enough that Fit shows 5,000 expanded revisions (about 400,000 px tall) whole. */
const MIN_K = 0.001;
const MAX_K = 2.5;
/** Below this zoom, nodes are drawn as plain boxes and landmarks get screen-sized labels instead. */
const DETAIL_K = 0.4;

/** The zoom rounded to steps of 2^(1/4), so zoomed-out labels re-render a few times per doubling, not every frame. */
function quantize(k: number): number {
  return Math.pow(2, Math.round(Math.log2(k) * 4) / 4);
}

export function intersects(a: Rect, x: number, y: number, w: number, h: number): boolean {
  return x < a.x1 && x + w > a.x0 && y < a.y1 && y + h > a.y0;
}

export function usePanZoom(view: GraphView) {
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const t = useRef<Transform>({ x: 0, y: 0, k: 1 });
  const size = useRef({ w: 800, h: 600 });
  const [win, setWin] = useState<Rect & { detail: boolean; k: number }>({ x0: 0, y0: 0, x1: 0, y1: 0, detail: true, k: 1 });
  const winRef = useRef(win);
  const frame = useRef(0);
  /** Told the visible rectangle after every move (the minimap's viewport box), outside React. */
  const listeners = useRef(new Set<(r: Rect) => void>());

  /** What the viewport shows now, in graph coordinates. */
  const visibleRect = (): Rect => {
    const { x, y, k } = t.current;
    return { x0: -x / k, y0: -y / k, x1: (size.current.w - x) / k, y1: (size.current.h - y) / k };
  };

  const syncWindow = useCallback((force = false) => {
    const v = visibleRect();
    const w = winRef.current;
    const detail = t.current.k >= DETAIL_K;
    const k = detail ? 1 : quantize(t.current.k);
    for (const l of listeners.current) l(v);
    if (!force && detail === w.detail && k === w.k && v.x0 >= w.x0 && v.y0 >= w.y0 && v.x1 <= w.x1 && v.y1 <= w.y1) return;
    // Render one extra half-viewport on each side so most pans need no React work at all.
    const mx = (v.x1 - v.x0) / 2;
    const my = (v.y1 - v.y0) / 2;
    const next = { x0: v.x0 - mx, y0: v.y0 - my, x1: v.x1 + mx, y1: v.y1 + my, detail, k };
    winRef.current = next;
    setWin(next);
  }, []);

  const apply = useCallback(() => {
    frame.current = 0;
    const { x, y, k } = t.current;
    gRef.current?.setAttribute("transform", `translate(${x} ${y}) scale(${k})`);
    syncWindow();
  }, [syncWindow]);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(apply);
  }, [apply]);

  const fit = useCallback(() => {
    const b = view.bounds;
    const bw = b.maxX - b.minX + 48;
    const bh = b.maxY - b.minY + 48;
    const k = Math.max(MIN_K, Math.min(1, size.current.w / bw, size.current.h / bh));
    t.current = { k, x: (size.current.w - (b.maxX + b.minX) * k) / 2, y: (size.current.h - (b.maxY + b.minY) * k) / 2 };
    apply();
  }, [view.bounds, apply]);

  /** Pans so the node is in the middle, zooming in if far out; false when the node is not laid out. */
  const panTo = useCallback(
    (nodeId: string): boolean => {
      const p = view.pos[nodeId];
      if (!p) return false;
      const k = Math.max(t.current.k, 0.8);
      t.current = { k, x: size.current.w / 2 - (p[0] + p[2] / 2) * k, y: size.current.h / 2 - (p[1] + p[3] / 2) * k };
      apply();
      return true;
    },
    [view.pos, apply],
  );

  /** Pans so the graph point (x, y) is in the middle, keeping the zoom (the minimap). */
  const panToPoint = useCallback(
    (x: number, y: number) => {
      const { k } = t.current;
      t.current = { k, x: size.current.w / 2 - x * k, y: size.current.h / 2 - y * k };
      schedule();
    },
    [schedule],
  );

  /** Calls `fn` with the visible rectangle now and after every move; returns the unsubscribe. */
  const onViewport = useCallback((fn: (r: Rect) => void) => {
    listeners.current.add(fn);
    fn(visibleRect());
    return () => {
      listeners.current.delete(fn);
    };
  }, []);

  const zoomAt = useCallback(
    (factor: number, cx: number, cy: number) => {
      const { x, y, k } = t.current;
      const nk = Math.max(MIN_K, Math.min(MAX_K, k * factor));
      t.current = { k: nk, x: cx - ((cx - x) * nk) / k, y: cy - ((cy - y) * nk) / k };
      schedule();
    },
    [schedule],
  );

  /** Zooms about the middle of the viewport. */
  const zoomBy = useCallback((factor: number) => zoomAt(factor, size.current.w / 2, size.current.h / 2), [zoomAt]);

  // Size tracking, and the first view: the whole graph when it is small, else the newest revisions.
  const initialised = useRef(false);
  useEffect(() => {
    const svg = svgRef.current!;
    const measure = () => {
      size.current = { w: svg.clientWidth || 800, h: svg.clientHeight || 600 };
      if (!initialised.current) {
        initialised.current = true;
        const b = view.bounds;
        const kFit = Math.min(size.current.w / (b.maxX - b.minX + 48), size.current.h / (b.maxY - b.minY + 48));
        if (kFit >= 0.55) fit();
        else {
          const k = 0.85;
          const top = view.nodes.reduce<ModelNode | undefined>((best, n) => (!best || view.pos[n.id]![1] < view.pos[best.id]![1] ? n : best), undefined);
          const p = top ? view.pos[top.id]! : [0, 0, 0, 0];
          t.current = { k, x: size.current.w / 2 - (p[0]! + p[2]! / 2) * k, y: 24 - b.minY * k };
          apply();
        }
      } else syncWindow(true);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(svg);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A new view (a segment opened): re-render the window.
  useEffect(() => syncWindow(true), [view, syncWindow]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const svg = svgRef.current!;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
    };
    svg.addEventListener("wheel", onWheel, { passive: false });
    return () => svg.removeEventListener("wheel", onWheel);
  }, [zoomAt]);

  // Drag to pan; a drag of 4 px or more is not a click on whatever it started on.
  const drag = useRef<{ id: number; sx: number; sy: number; tx: number; ty: number; moved: boolean } | null>(null);
  const suppressClick = useRef(false);
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    drag.current = { id: e.pointerId, sx: e.clientX, sy: e.clientY, tx: t.current.x, ty: t.current.y, moved: false };
    suppressClick.current = false;
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.sx;
    const dy = e.clientY - d.sy;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      svgRef.current?.setPointerCapture(e.pointerId);
    }
    t.current = { ...t.current, x: d.tx + dx, y: d.ty + dy };
    schedule();
  };
  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (d && d.id === e.pointerId) {
      suppressClick.current = d.moved;
      if (d.moved) svgRef.current?.releasePointerCapture(e.pointerId);
    }
    drag.current = null;
  };
  const onClickCapture = (e: MouseEvent<SVGSVGElement>) => {
    if (suppressClick.current) {
      e.stopPropagation();
      suppressClick.current = false;
    }
  };

  return {
    svgRef,
    gRef,
    /** The rendered window (the viewport plus a margin), whether nodes are drawn in detail, and the zoom (rounded) when not. */
    win,
    visibleRect,
    fit,
    panTo,
    panToPoint,
    onViewport,
    zoomBy,
    /** Spread onto the <svg>. */
    svgHandlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp, onClickCapture },
  };
}
