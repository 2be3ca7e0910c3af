// Zoomed-out labels: which nodes are landmarks, what their labels say, and which labels give way
// when they would overlap at a zoom — on a graph built by the real engine.
import { describe, expect, it } from "vitest";
import type { MigrationScript } from "@/lib/graph/types";
import type { ProjectStatus } from "@/lib/targets/types";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { buildGraphModel, markersByRevision, toGraphData } from "@/lib/graph-view/graph-model";
import { layoutLanes } from "@/lib/graph-view/layout-lanes";
import { landmarksOf, placeLabels } from "@/lib/graph-view/landmarks";

function script(revision: string, down: string[] | string | null, extra: Partial<MigrationScript> = {}): MigrationScript {
  const downRevisions = down === null ? [] : Array.isArray(down) ? down : [down];
  return { revision, downRevisions, branchLabels: [], dependsOn: [], path: `/p/versions/${revision}.py`, message: `msg ${revision}`, lines: { revision: 1, downRevision: 2 }, ...extra };
}

const status: ProjectStatus = {
  name: "demo",
  heads: ["h"],
  environments: [{ name: "qa", state: "behind", revisions: ["m"], pending: ["h"], tooLong: [], checkedAt: "", durationMs: 1 }],
};

function setup() {
  const s: MigrationScript[] = [script("base0", null)];
  for (let i = 1; i <= 20; i++) s.push(script(`r${String(i).padStart(2, "0")}`, i === 1 ? "base0" : `r${String(i - 1).padStart(2, "0")}`));
  s.push(script("b1", "r20", { branchLabels: ["carts"] }), script("c1", "r20"), script("m", ["b1", "c1"]), script("h", "m"), script("x1", "r05x"));
  const data = toGraphData("demo", buildRevisionGraph(s), status, [{ name: "qa", position: 0, protected: false }], (p) => p);
  const model = buildGraphModel(data);
  const revisions = new Map(data.revisions.map((r) => [r.id, r]));
  return { model, layout: layoutLanes(model), landmarks: landmarksOf(model.nodes, revisions, markersByRevision(data), new Set(data.heads)) };
}

describe("landmarks", () => {
  it("labels heads, merges, branch points, environments and missing revisions, and nothing else", () => {
    const { landmarks } = setup();
    const by = new Map(landmarks.map((l) => [l.id, l]));
    expect([...by.keys()].sort()).toEqual(["h", "m", "missing:r05x", "r20", "x1"].sort());
    expect(by.get("h")).toMatchObject({ kinds: ["head"], text: "h · head", priority: 1 });
    expect(by.get("m")).toMatchObject({ kinds: ["environment", "merge"], envs: ["qa"], text: "m · merge · qa", priority: 0 });
    expect(by.get("r20")).toMatchObject({ kinds: ["branch"], text: "r20 · branch point" });
    expect(by.get("missing:r05x")).toMatchObject({ kinds: ["missing"], text: "missing r05x" });
  });

  it("moves labels that would overlap into the next slot, then drops merges and branch points, never environments or heads", () => {
    const { landmarks, layout } = setup();
    // readable zoom: every label fits beside its node
    expect(placeLabels(landmarks, layout.nodes, 1).map((l) => l.slot)).toEqual(landmarks.map(() => 0));
    // further out, h, m and r20 (rows apart in one column) share the column's line: side by side
    const mid = placeLabels(landmarks, layout.nodes, 0.02);
    expect(mid).toHaveLength(landmarks.length);
    expect(new Set(mid.filter((l) => ["h", "m", "r20"].includes(l.id)).map((l) => l.slot))).toEqual(new Set([0, 1, 2]));
    // six labels on one line of one column: three slots, taken by the environment and both heads;
    // the merges and the branch point go
    const at: Record<string, [number, number, number, number]> = {};
    const crowd = (["merge", "head", "branch", "environment", "head", "merge"] as const).map((kind, i) => {
      at[`n${i}`] = [24, 24 + i * 80, 230, 46];
      return { id: `n${i}`, kinds: [kind], envs: kind === "environment" ? ["qa"] : [], text: `n${i}`, priority: { environment: 0, head: 1, merge: 3, branch: 4 }[kind] };
    });
    const far = placeLabels(crowd, at, 0.001).map((l) => l.id);
    expect(far.sort()).toEqual(["n1", "n3", "n4"]);
    // with one head fewer, the first merge takes the free slot
    delete at.n4;
    expect(placeLabels(crowd, at, 0.001).map((l) => [l.id, l.slot])).toEqual([
      ["n3", 0],
      ["n1", 1],
      ["n0", 2],
    ]);
  });
});
