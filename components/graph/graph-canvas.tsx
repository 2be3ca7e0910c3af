"use client";

/**
 * The SVG canvas: pan (drag), zoom (wheel, buttons), fit, and keyboard navigation. Only nodes and
 * edges near the viewport are in the DOM; panning moves one <g> transform outside React and only
 * re-renders when the viewport leaves the rendered window, so 5,000 revisions pan smoothly.
 */
import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { GraphEnvironment, GraphProblem, GraphRevision, ModelNode } from "@/lib/graph-view/graph-model";
import { NODE_WIDTH, markerWidth, type SignOffMark } from "@/lib/graph-view/graph-model";
import type { GraphView } from "@/lib/graph-view/expand-segments";
import { STATE_COLOR, shortId, truncate } from "@/components/graph/graph-style";

type Rect = { x0: number; y0: number; x1: number; y1: number };
type Transform = { x: number; y: number; k: number };

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

const MIN_K = 0.05;
const MAX_K = 2.5;
/** Below this zoom, nodes are drawn as plain boxes: text is unreadable there anyway. */
const DETAIL_K = 0.4;

function intersects(a: Rect, x: number, y: number, w: number, h: number): boolean {
  return x < a.x1 && x + w > a.x0 && y < a.y1 && y + h > a.y0;
}

export const GraphCanvas = forwardRef<GraphCanvasHandle, GraphCanvasProps>(function GraphCanvas(props, ref) {
  const { view } = props;
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const t = useRef<Transform>({ x: 0, y: 0, k: 1 });
  const size = useRef({ w: 800, h: 600 });
  const [win, setWin] = useState<Rect & { detail: boolean }>({ x0: 0, y0: 0, x1: 0, y1: 0, detail: true });
  const winRef = useRef(win);
  const frame = useRef(0);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const pendingFocus = useRef<string | null>(null);

  const visibleRect = (): Rect => {
    const { x, y, k } = t.current;
    return { x0: -x / k, y0: -y / k, x1: (size.current.w - x) / k, y1: (size.current.h - y) / k };
  };

  const syncWindow = useCallback((force = false) => {
    const v = visibleRect();
    const w = winRef.current;
    const detail = t.current.k >= DETAIL_K;
    if (!force && detail === w.detail && v.x0 >= w.x0 && v.y0 >= w.y0 && v.x1 <= w.x1 && v.y1 <= w.y1) return;
    // Render one extra half-viewport on each side so most pans need no React work at all.
    const mx = (v.x1 - v.x0) / 2;
    const my = (v.y1 - v.y0) / 2;
    const next = { x0: v.x0 - mx, y0: v.y0 - my, x1: v.x1 + mx, y1: v.y1 + my, detail };
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

  const centerOn = useCallback(
    (nodeId: string, focus = true) => {
      const p = view.pos[nodeId];
      if (!p) return;
      const k = Math.max(t.current.k, 0.8);
      t.current = { k, x: size.current.w / 2 - (p[0] + p[2] / 2) * k, y: size.current.h / 2 - (p[1] + p[3] / 2) * k };
      apply();
      if (focus) {
        pendingFocus.current = nodeId;
        setFocusedId(nodeId);
      }
    },
    [view.pos, apply],
  );

  const zoomAt = useCallback(
    (factor: number, cx: number, cy: number) => {
      const { x, y, k } = t.current;
      const nk = Math.max(MIN_K, Math.min(MAX_K, k * factor));
      t.current = { k: nk, x: cx - ((cx - x) * nk) / k, y: cy - ((cy - y) * nk) / k };
      schedule();
    },
    [schedule],
  );

  useImperativeHandle(ref, () => ({ fit, centerOn, zoomBy: (f) => zoomAt(f, size.current.w / 2, size.current.h / 2) }), [fit, centerOn, zoomAt]);

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

  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    const el = gRef.current?.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(id)}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  });

  const visibleNodes = useMemo(() => view.nodes.filter((n) => {
    const p = view.pos[n.id];
    return p && intersects(win, p[0], p[1], p[2], p[3]);
  }), [view, win]);

  const edgeBoxes = useMemo(() => {
    const out = new Map<string, Rect>();
    for (const e of view.edges) {
      const pts = view.points[e.id];
      if (!pts || pts.length < 4) continue;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
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
    () => view.edges.filter((e) => {
      const b = edgeBoxes.get(e.id);
      return b && intersects(win, b.x0, b.y0, b.x1 - b.x0 + 1, b.y1 - b.y0 + 1);
    }),
    [view.edges, edgeBoxes, win],
  );

  // Display adjacency for the arrow keys (segments and placeholders included).
  const adjacency = useMemo(() => {
    const up = new Map<string, string[]>();
    const down = new Map<string, string[]>();
    for (const e of view.edges) {
      up.set(e.source, [...(up.get(e.source) ?? []), e.target]);
      down.set(e.target, [...(down.get(e.target) ?? []), e.source]);
    }
    return { up, down };
  }, [view.edges]);

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

  const activate = (n: ModelNode) => {
    if (n.kind === "segment") props.onExpandSegment(n.id);
    else if (n.kind === "revision") props.onOpenRevision(n.id);
    else if (n.suggestion && view.pos[props.revisions.has(n.suggestion) ? view.nodeOf[n.suggestion] ?? "" : ""]) centerOn(view.nodeOf[n.suggestion]!);
  };

  const onKeyDown = (e: KeyboardEvent<SVGGElement>, n: ModelNode) => {
    const p = view.pos[n.id]!;
    const cx = p[0] + p[2] / 2;
    const nearest = (ids: string[] | undefined) =>
      (ids ?? []).filter((id) => view.pos[id]).sort((a, b) => Math.abs(view.pos[a]![0] + view.pos[a]![2] / 2 - cx) - Math.abs(view.pos[b]![0] + view.pos[b]![2] / 2 - cx))[0];
    let target: string | undefined;
    if (e.key === "ArrowUp") target = nearest(adjacency.up.get(n.id));
    else if (e.key === "ArrowDown") target = nearest(adjacency.down.get(n.id));
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      const dir = e.key === "ArrowLeft" ? -1 : 1;
      let best: string | undefined;
      let bestScore = Infinity;
      for (const other of view.nodes) {
        const q = view.pos[other.id];
        if (!q || other.id === n.id) continue;
        const dx = (q[0] - p[0]) * dir;
        if (dx <= 0) continue;
        const score = dx + Math.abs(q[1] - p[1]) * 3;
        if (score < bestScore) {
          bestScore = score;
          best = other.id;
        }
      }
      target = best;
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      activate(n);
      return;
    } else if (e.key === "+" || e.key === "=") zoomAt(1.25, size.current.w / 2, size.current.h / 2);
    else if (e.key === "-") zoomAt(0.8, size.current.w / 2, size.current.h / 2);
    if (target) {
      e.preventDefault();
      const q = view.pos[target]!;
      const v = visibleRect();
      if (!(q[0] >= v.x0 && q[1] >= v.y0 && q[0] + q[2] <= v.x1 && q[1] + q[3] <= v.y1)) centerOn(target);
      else {
        pendingFocus.current = target;
        setFocusedId(target);
      }
    }
  };

  // Exactly one node is in the tab order: the focused one, else the newest visible one.
  const tabStop = focusedId && visibleNodes.some((n) => n.id === focusedId) ? focusedId : visibleNodes.find((n) => n.kind === "revision")?.id;

  return (
    <svg
      ref={svgRef}
      role="group"
      aria-label="Revision graph. Arrow keys move between revisions (up: newer, down: older), Enter opens one."
      data-testid="graph-canvas"
      className="h-full w-full cursor-grab touch-none select-none bg-stone-50 active:cursor-grabbing"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onClickCapture={(e) => {
        if (suppressClick.current) {
          e.stopPropagation();
          suppressClick.current = false;
        }
      }}
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
      </g>
    </svg>
  );
});

const EDGE_STYLE = {
  parent: { stroke: "#78716c", dash: undefined, width: 1.5 },
  depends: { stroke: "#7c3aed", dash: "6 4", width: 1.5 },
  dangling: { stroke: "#dc2626", dash: "4 3", width: 2 },
  "dangling-depends": { stroke: "#dc2626", dash: "2 3", width: 2 },
} as const;

const EdgePath = memo(function EdgePath({ kind, pts, hot }: { kind: keyof typeof EDGE_STYLE; pts: number[]; hot: boolean }) {
  let d = `M${pts[0]} ${pts[1]}`;
  for (let i = 2; i < pts.length; i += 2) d += `L${pts[i]} ${pts[i + 1]}`;
  const s = EDGE_STYLE[kind];
  return <path d={d} fill="none" stroke={hot ? "#0284c7" : s.stroke} strokeWidth={hot ? 3 : s.width} strokeDasharray={s.dash} data-edge-kind={kind} />;
});

interface GraphNodeProps {
  node: ModelNode;
  pos: [number, number, number, number];
  detail: boolean;
  rev: GraphRevision | undefined;
  envs: string[] | undefined;
  environments: readonly GraphEnvironment[];
  problems: GraphProblem[] | undefined;
  signOffs: SignOffMark[] | undefined;
  isHead: boolean;
  highlight: "pending" | "between" | "extra" | undefined;
  selected: boolean;
  searchHit: boolean;
  selectedEnvs: readonly string[];
  tabIndex: number;
  onFocus(): void;
  onActivate(): void;
  onKeyDown(e: KeyboardEvent<SVGGElement>): void;
  onToggleEnv(name: string): void;
}

const HIGHLIGHT_FILL = { pending: "#fef3c7", between: "#e0f2fe", extra: "#fae8ff" } as const;
const HIGHLIGHT_STROKE = { pending: "#d97706", between: "#0284c7", extra: "#a21caf" } as const;

const GraphNode = memo(function GraphNode(p: GraphNodeProps) {
  const { node, pos, rev } = p;
  const [x, y, , h] = pos;
  const hasError = p.problems?.some((q) => q.severity === "error") ?? false;
  const isMissing = node.kind === "missing";
  const fill = isMissing ? "#fef2f2" : p.highlight ? HIGHLIGHT_FILL[p.highlight] : node.kind === "segment" ? "#f5f5f4" : "#ffffff";
  const stroke = isMissing || hasError ? "#dc2626" : p.highlight ? HIGHLIGHT_STROKE[p.highlight] : p.isHead ? "#1c1917" : "#a8a29e";
  const label =
    node.kind === "segment"
      ? `${node.members.length} revisions collapsed, ${node.members[node.members.length - 1]} to ${node.members[0]}. Press Enter to expand.`
      : isMissing
        ? `Missing revision ${node.reference}${node.suggestion ? `, did you mean ${node.suggestion}` : ""}`
        : `Revision ${node.id}: ${rev?.message ?? ""}${p.isHead ? ", head" : ""}${p.envs?.length ? `, environments ${p.envs.join(", ")}` : ""}${p.problems?.length ? `, ${p.problems.length} problem(s)` : ""}${p.highlight ? `, highlighted (${p.highlight})` : ""}`;
  const common = {
    "data-node-id": node.id,
    "data-testid": "graph-node",
    "data-kind": node.kind,
    ...(p.highlight ? { "data-highlight": p.highlight } : {}),
    ...(p.searchHit ? { "data-search-hit": "true" } : {}),
    ...(p.selected ? { "data-selected": "true" } : {}),
  };
  const body = (
    <rect
      width={NODE_WIDTH}
      height={h}
      rx={node.kind === "segment" ? h / 2 : 6}
      fill={fill}
      stroke={p.searchHit ? "#7c3aed" : stroke}
      strokeWidth={p.selected || p.searchHit ? 3 : isMissing || hasError || p.isHead ? 2 : 1}
      strokeDasharray={isMissing ? "5 3" : node.kind === "segment" ? "3 3" : undefined}
    />
  );
  if (!p.detail) {
    return (
      <g transform={`translate(${x} ${y})`} {...common} {...(rev ? { "data-revision": rev.id, ...(p.isHead ? { "data-head": "true" } : {}) } : {})} tabIndex={p.tabIndex} role="button" aria-label={label} onFocus={p.onFocus} onClick={p.onActivate} onKeyDown={p.onKeyDown} className="cursor-pointer outline-none [&:focus-visible>rect:first-child]:stroke-sky-600">
        {body}
        {(p.envs ?? []).map((name, i) => {
          const state = p.environments.find((e) => e.name === name)?.state ?? "unreachable";
          return (
            <g
              key={name}
              data-env={name}
              data-state={state}
              onClick={(e) => {
                e.stopPropagation();
                p.onToggleEnv(name);
              }}
            >
              <rect x={NODE_WIDTH + 4 + i * 34} y={h / 2 - 12} width={30} height={24} rx={12} fill={STATE_COLOR[state]} stroke={p.selectedEnvs.includes(name) ? "#0c4a6e" : "none"} strokeWidth={4} />
              <title>{`${name}: ${state} — click to select`}</title>
            </g>
          );
        })}
      </g>
    );
  }
  const markerOffsets = (p.envs ?? []).reduce<number[]>((acc, name, k) => [...acc, k === 0 ? NODE_WIDTH + 6 : acc[k - 1]! + markerWidth((p.envs ?? [])[k - 1]!) + 4], []);
  return (
    <g
      transform={`translate(${x} ${y})`}
      {...common}
      {...(rev ? { "data-revision": rev.id, ...(p.isHead ? { "data-head": "true" } : {}) } : {})}
      {...(isMissing ? { "data-missing": node.reference } : {})}
      tabIndex={p.tabIndex}
      role="button"
      aria-label={label}
      onFocus={p.onFocus}
      onClick={p.onActivate}
      onKeyDown={p.onKeyDown}
      className="cursor-pointer outline-none [&:focus-visible>rect:first-child]:stroke-sky-600 [&:focus-visible>rect:first-child]:[stroke-width:4]"
    >
      {body}
      {node.kind === "segment" ? (
        <text x={NODE_WIDTH / 2} y={h / 2 + 4} textAnchor="middle" className="fill-stone-700 text-[12px]">
          ⋯ {node.members.length} revisions ({shortId(node.members[node.members.length - 1]!, 8)} → {shortId(node.members[0]!, 8)}) · expand
        </text>
      ) : isMissing ? (
        <>
          <text x={8} y={18} className="fill-red-800 font-mono text-[12px] font-semibold">
            missing: {shortId(node.reference ?? "", 20)}
          </text>
          <text x={8} y={36} className="fill-red-800 text-[11px]">
            {node.suggestion ? `did you mean ${shortId(node.suggestion, 18)}?` : "no such revision"}
          </text>
        </>
      ) : rev ? (
        <>
          <text x={8} y={18} className="fill-stone-900 font-mono text-[12px] font-semibold">
            {shortId(rev.id, 16)}
          </text>
          <RevisionTags rev={rev} isHead={p.isHead} problems={p.problems} signOffs={p.signOffs} />
          <text x={8} y={36} className="fill-stone-600 text-[11px]">
            {truncate(rev.message || "(no message)", 34)}
          </text>
        </>
      ) : null}
      {(p.envs ?? []).map((name, k) => {
        const env = p.environments.find((e) => e.name === name);
        const w = markerWidth(name);
        const at = markerOffsets[k]!;
        const pressed = p.selectedEnvs.includes(name);
        return (
          <g
            key={name}
            transform={`translate(${at} ${h / 2 - 10})`}
            data-env={name}
            data-state={env?.state}
            onClick={(e) => {
              e.stopPropagation();
              p.onToggleEnv(name);
            }}
          >
            <rect width={w} height={20} rx={10} fill={STATE_COLOR[env?.state ?? "unreachable"]} stroke={pressed ? "#0c4a6e" : "none"} strokeWidth={pressed ? 3 : 0} />
            <text x={w / 2} y={14} textAnchor="middle" className="fill-white text-[11px] font-semibold">
              {truncate(name, 14)}
            </text>
            <title>{`${name}: ${env?.state ?? "unknown"} — click to select`}</title>
          </g>
        );
      })}
    </g>
  );
});

function RevisionTags({ rev, isHead, problems, signOffs }: { rev: GraphRevision; isHead: boolean; problems: GraphProblem[] | undefined; signOffs: SignOffMark[] | undefined }) {
  const tags: { text: string; fill: string; color: string; title: string }[] = [];
  if (signOffs?.length) {
    const envs = [...new Set(signOffs.map((s) => s.environment))];
    tags.push({ text: `✓ ${envs.join(",")}`, fill: "#dcfce7", color: "#166534", title: signOffs.map((s) => `Signed off on ${s.environment} by ${s.by} (${s.at.slice(0, 10)})${s.note ? `: ${s.note}` : ""}`).join("\n") });
  }
  if (isHead) tags.push({ text: "head", fill: "#1c1917", color: "#ffffff", title: "A head: no revision builds on it" });
  for (const l of rev.branchLabels) tags.push({ text: l, fill: "#ede9fe", color: "#5b21b6", title: `Branch label ${l}` });
  if (rev.isMergePoint) tags.push({ text: "merge", fill: "#e0f2fe", color: "#075985", title: "Merge point" });
  if (problems?.length) tags.push({ text: `⚠ ${problems.length}`, fill: "#fee2e2", color: "#991b1b", title: problems.map((q) => q.message).join("\n") });
  let x = NODE_WIDTH - 4;
  return (
    <>
      {tags.map((t) => {
        const w = Math.min(t.text.length, 12) * 6.4 + 8;
        x -= w + 3;
        return (
          <g key={t.text} transform={`translate(${x} 5)`} data-tag={t.text}>
            <rect width={w} height={15} rx={3} fill={t.fill} />
            <text x={w / 2} y={11} textAnchor="middle" fill={t.color} className="text-[10px] font-semibold">
              {truncate(t.text, 12)}
            </text>
            <title>{t.title}</title>
          </g>
        );
      })}
    </>
  );
}
