/**
 * Expanding a collapsed run without laying the graph out again: a segment is a straight vertical
 * chain, so opening it inserts its members in the segment's column and pushes everything above it
 * up by the height they need. The routes stay valid (orthogonal routes only stretch vertically),
 * and expansion is instant. Pure.
 */
import { NODE_HEIGHT, NODE_WIDTH, ROW_GAP, type GraphModel, type ModelEdge, type ModelNode } from "@/lib/graph-view/graph-model";

/** A layout (layout-lanes.ts), compact: node id → [x, y, width, height]; edge id → flat [x0, y0, x1, y1, …] from source to target. */
export interface GraphLayout {
  nodes: Record<string, [number, number, number, number]>;
  edges: Record<string, number[]>;
  width: number;
  height: number;
  layoutMs: number;
}

/** What the canvas draws: the model with some segments opened, and where everything is. */
export interface GraphView {
  nodes: ModelNode[];
  edges: ModelEdge[];
  nodeOf: Record<string, string>;
  pos: Record<string, [number, number, number, number]>;
  points: Record<string, number[]>;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** Vertical distance between consecutive members of an opened segment. */
export const ROW_STEP = NODE_HEIGHT + ROW_GAP;

export function expandSegments(model: GraphModel, layout: GraphLayout, expanded: ReadonlySet<string>): GraphView {
  let nodes = model.nodes;
  let edges = model.edges;
  const nodeOf = { ...model.nodeOf };
  const pos: GraphView["pos"] = { ...layout.nodes };
  const points: GraphView["points"] = { ...layout.edges };

  const segments = model.nodes.filter((n) => n.kind === "segment" && expanded.has(n.id) && pos[n.id]);
  for (const seg of segments) {
    const [x, y, , h] = pos[seg.id]!;
    const n = seg.members.length;
    const oldestTop = y + h - NODE_HEIGHT;
    const newestTop = oldestTop - (n - 1) * ROW_STEP;
    const extra = y - newestTop;
    const threshold = y + h / 2;
    // Everything above the segment's middle moves up; the segment's outgoing edges start at its
    // top, so they move with it to the newest member's top.
    for (const id of Object.keys(pos)) {
      if (id === seg.id) continue;
      const p = pos[id]!;
      if (p[1] < threshold) pos[id] = [p[0], p[1] - extra, p[2], p[3]];
    }
    for (const id of Object.keys(points)) {
      const pts = points[id]!;
      let moved: number[] | undefined;
      for (let i = 1; i < pts.length; i += 2) {
        if (pts[i]! < threshold) {
          moved ??= [...pts];
          moved[i] = pts[i]! - extra;
        }
      }
      if (moved) points[id] = moved;
    }
    delete pos[seg.id];
    const memberNodes: ModelNode[] = seg.members.map((m, i) => {
      pos[m] = [x, newestTop + i * ROW_STEP, NODE_WIDTH, NODE_HEIGHT];
      nodeOf[m] = m;
      return { id: m, kind: "revision", members: [m], width: NODE_WIDTH, height: NODE_HEIGHT };
    });
    const newest = seg.members[0]!;
    const oldest = seg.members[n - 1]!;
    const inner: ModelEdge[] = [];
    for (let i = 0; i + 1 < n; i++) {
      const child = seg.members[i]!;
      const parent = seg.members[i + 1]!;
      const id = `parent:${parent}->${child}`;
      const cx = x + NODE_WIDTH / 2;
      points[id] = [cx, pos[parent]![1], cx, pos[child]![1] + NODE_HEIGHT];
      inner.push({ id, kind: "parent", source: parent, target: child });
    }
    const rewired: ModelEdge[] = [];
    for (const e of edges) {
      if (e.source !== seg.id && e.target !== seg.id) {
        rewired.push(e);
        continue;
      }
      const source = e.source === seg.id ? newest : e.source;
      const target = e.target === seg.id ? oldest : e.target;
      const id = `${e.kind}:${source}->${target}`;
      if (points[e.id]) points[id] = points[e.id]!;
      delete points[e.id];
      rewired.push({ ...e, id, source, target });
    }
    nodes = nodes.flatMap((node) => (node.id === seg.id ? memberNodes : [node]));
    edges = [...rewired, ...inner];
  }

  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const p of Object.values(pos)) {
    minX = Math.min(minX, p[0]);
    minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0] + p[2]);
    maxY = Math.max(maxY, p[1] + p[3]);
  }
  if (minX === Infinity) minX = minY = maxX = maxY = 0;
  return { nodes, edges, nodeOf, pos, points, bounds: { minX, minY, maxX, maxY } };
}
