// The graph page's lane layout on graphs built by the real engine (lib/graph): every node placed
// once, children above parents, no two nodes overlapping, no edge running through a node, and a
// collapsed run opened in place — on a small sample and on 5,000 revisions with 50 merges.
import { describe, expect, it } from "vitest";
import type { MigrationScript } from "@/lib/graph/types";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { buildGraphModel, toGraphData, type GraphModel } from "@/lib/graph-view/graph-model";
import { expandSegments, type GraphLayout } from "@/lib/graph-view/expand-segments";
import { layoutLanes } from "@/lib/graph-view/layout-lanes";

function script(revision: string, down: string[] | string | null, extra: Partial<MigrationScript> = {}): MigrationScript {
  const downRevisions = down === null ? [] : Array.isArray(down) ? down : [down];
  return { revision, downRevisions, branchLabels: [], dependsOn: [], path: `/p/versions/${revision}.py`, message: `msg ${revision}`, lines: { revision: 1, downRevision: 2 }, ...extra };
}

function modelOf(scripts: MigrationScript[]): GraphModel {
  return buildGraphModel(toGraphData("demo", buildRevisionGraph(scripts), null, [], (p) => p));
}

/** base → r01 … r20, a branch (b1, b2) and c1 merged at m, head h; x1 names a missing r05x; dep depends on c1. */
function sample(): MigrationScript[] {
  const s: MigrationScript[] = [script("base0", null)];
  for (let i = 1; i <= 20; i++) s.push(script(`r${String(i).padStart(2, "0")}`, i === 1 ? "base0" : `r${String(i - 1).padStart(2, "0")}`));
  s.push(script("b1", "r20"), script("b2", "b1"), script("c1", "r20"), script("m", ["b2", "c1"]), script("h", "m"));
  s.push(script("x1", "r05x"), script("dep", "r03", { dependsOn: ["c1"] }));
  return s;
}

/** `total` revisions on a trunk, forking into two one-revision arms and merging `merges` times. */
function merged(total: number, merges: number): MigrationScript[] {
  const s: MigrationScript[] = [];
  const every = Math.floor(total / merges);
  let head: string[] = [];
  for (let i = 0; s.length < total; i++) {
    const id = (k: number) => `n${String(k).padStart(5, "0")}`;
    if (i % every === every - 3 && s.length + 3 <= total) {
      const a = id(s.length);
      s.push(script(a, head));
      const b = id(s.length);
      s.push(script(b, head));
      const m = id(s.length);
      s.push(script(m, [a, b]));
      head = [m];
    } else {
      const r = id(s.length);
      s.push(script(r, head));
      head = [r];
    }
  }
  return s;
}

type Box = [number, number, number, number];
const overlaps = (a: Box, b: Box) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/** The properties every layout must keep, checked on nodes `pos` and edge routes `points`. */
function expectSound(model: Pick<GraphModel, "nodes" | "edges">, pos: Record<string, Box>, points: Record<string, number[]>) {
  expect(Object.keys(pos).sort()).toEqual(model.nodes.map((n) => n.id).sort());
  // no overlap: sort by top, compare neighbours within reach
  const boxes = Object.entries(pos).sort((a, b) => a[1][1] - b[1][1]);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length && boxes[j]![1][1] < boxes[i]![1][1] + boxes[i]![1][3]; j++) if (overlaps(boxes[i]![1], boxes[j]![1])) expect.fail(`${boxes[i]![0]} overlaps ${boxes[j]![0]}`);
  const firstFrom = (top: number) => {
    let [lo, hi] = [0, boxes.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (boxes[mid]![1][1] < top) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const e of model.edges) {
    const pts = points[e.id]!;
    expect(pts, e.id).toBeDefined();
    const [src, dst] = [pos[e.source]!, pos[e.target]!];
    // newest at the top: the child (target) above its parent (source); the route joins their edges
    expect(dst[1] + dst[3], e.id).toBeLessThan(src[1]);
    expect([pts[1], pts[pts.length - 1]]).toEqual([src[1], dst[1] + dst[3]]);
    // orthogonal, and no segment runs through a node (ends excepted)
    for (let i = 0; i + 3 < pts.length; i += 2) {
      const [x0, y0, x1, y1] = [pts[i]!, pts[i + 1]!, pts[i + 2]!, pts[i + 3]!];
      if (x0 !== x1 && y0 !== y1) expect.fail(`${e.id} segment ${i / 2} is not orthogonal`);
      const seg: Box = [Math.min(x0, x1), Math.min(y0, y1) + 0.5, Math.abs(x1 - x0) || 0.01, Math.max(Math.abs(y1 - y0) - 1, 0.01)];
      for (let k = firstFrom(seg[1] - 100); k < boxes.length && boxes[k]![1][1] <= seg[1] + seg[3]; k++) {
        const [id, box] = boxes[k]!;
        if (id !== e.source && id !== e.target && overlaps(seg, box)) expect.fail(`${e.id} runs through ${id}`);
      }
    }
  }
}

describe("layoutLanes", () => {
  it("puts children above parents, keeps a chain in one lane and a merge's other parent in its own", () => {
    const model = modelOf(sample());
    const l = layoutLanes(model);
    expectSound(model, l.nodes, l.edges);
    const x = (id: string) => l.nodes[id]![0];
    const y = (id: string) => l.nodes[id]![1];
    expect(y("h")).toBeLessThan(y("m"));
    expect(y("m")).toBeLessThan(y("b2"));
    expect(y("r20")).toBeLessThan(y(model.nodeOf["r10"]!));
    expect(x("h")).toBe(x("m"));
    expect(x("b2")).not.toBe(x("c1"));
    // the placeholder for a missing parent sits right below the revision naming it
    const rows = Object.entries(l.nodes)
      .sort((a, b) => a[1][1] - b[1][1])
      .map(([id]) => id);
    expect(rows.indexOf("missing:r05x")).toBe(rows.indexOf("x1") + 1);
    expect(l.width).toBeGreaterThan(x("c1"));
    expect(l.height).toBeGreaterThan(y("base0"));
  });

  it("opens a collapsed run in place and stays sound", () => {
    const model = modelOf(sample());
    const seg = model.nodeOf["r10"]!;
    const view = expandSegments(model, layoutLanes(model), new Set([seg]));
    expect(view.nodes.find((n) => n.id === seg)).toBeUndefined();
    const vy = (id: string) => view.pos[id]![1];
    for (let i = 4; i < 19; i++) expect(vy(`r${String(i).padStart(2, "0")}`)).toBeGreaterThan(vy(`r${String(i + 1).padStart(2, "0")}`));
    expectSound(view, view.pos, view.points);
  });

  it("is sound on 5,000 revisions with 50 merges, collapsed and with every run open", () => {
    const model = modelOf(merged(5000, 50));
    const l: GraphLayout = layoutLanes(model);
    expectSound(model, l.nodes, l.edges);
    expect(new Set(Object.values(l.nodes).map((p) => p[0])).size).toBe(2); // the trunk and one arm lane
    const all = new Set(model.nodes.filter((n) => n.kind === "segment").map((n) => n.id));
    const view = expandSegments(model, l, all);
    expect(view.nodes).toHaveLength(5000);
    expectSound(view, view.pos, view.points);
  });
});
