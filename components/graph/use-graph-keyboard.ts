"use client";

/**
 * Keyboard navigation between the graph's nodes: arrow keys move along displayed edges (up: newer,
 * down: older) or to the nearest node sideways, Enter/Space activates, +/- zoom. Exactly one node
 * is in the tab order (a roving tabindex), so Tab leaves the graph in one step.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import type { ModelNode } from "@/lib/graph-view/graph-model";
import type { GraphView } from "@/lib/graph-view/expand-segments";
import type { Rect } from "@/components/graph/use-pan-zoom";

export interface GraphKeyboardOptions {
  view: GraphView;
  /** The <g> holding the nodes, to find the one to focus. */
  gRef: RefObject<SVGGElement | null>;
  /** The nodes in the DOM now (the rendered window). */
  visibleNodes: readonly ModelNode[];
  visibleRect(): Rect;
  panTo(nodeId: string): boolean;
  zoomBy(factor: number): void;
  activate(node: ModelNode): void;
}

export function useGraphKeyboard({ view, gRef, visibleNodes, visibleRect, panTo, zoomBy, activate }: GraphKeyboardOptions) {
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const pendingFocus = useRef<string | null>(null);

  /** Focuses the node once it is rendered (it may be outside the window until the next render). */
  const focusNode = (nodeId: string) => {
    pendingFocus.current = nodeId;
    setFocusedId(nodeId);
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

  const onKeyDown = (e: KeyboardEvent<SVGGElement>, n: ModelNode) => {
    const p = view.pos[n.id]!;
    const cx = p[0] + p[2] / 2;
    const nearest = (ids: string[] | undefined) => (ids ?? []).filter((id) => view.pos[id]).sort((a, b) => Math.abs(view.pos[a]![0] + view.pos[a]![2] / 2 - cx) - Math.abs(view.pos[b]![0] + view.pos[b]![2] / 2 - cx))[0];
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
    } else if (e.key === "+" || e.key === "=") zoomBy(1.25);
    else if (e.key === "-") zoomBy(0.8);
    if (target) {
      e.preventDefault();
      const q = view.pos[target]!;
      const v = visibleRect();
      if (!(q[0] >= v.x0 && q[1] >= v.y0 && q[0] + q[2] <= v.x1 && q[1] + q[3] <= v.y1)) panTo(target);
      focusNode(target);
    }
  };

  // Exactly one node is in the tab order: the focused one, else the newest visible one.
  const tabStop = focusedId && visibleNodes.some((n) => n.id === focusedId) ? focusedId : visibleNodes.find((n) => n.kind === "revision")?.id;

  return { tabStop, focusNode, setFocusedId, onKeyDown };
}
