// The graph page's pure model (layout: layout-lanes.test.ts), on graphs built by the real engine (lib/graph).
import { describe, expect, it } from "vitest";
import type { MigrationScript } from "@/lib/graph/types";
import type { ProjectStatus } from "@/lib/targets/types";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { appliedSet, buildGraphModel, fromGraphWire, toGraphWire, revisionsBetween, searchRevisions, toGraphData, problemsByRevision } from "@/lib/graph-view/graph-model";

function script(revision: string, down: string[] | string | null, extra: Partial<MigrationScript> = {}): MigrationScript {
  const downRevisions = down === null ? [] : Array.isArray(down) ? down : [down];
  return { revision, downRevisions, branchLabels: [], dependsOn: [], path: `/p/versions/${revision}.py`, message: `msg ${revision}`, lines: { revision: 1, downRevision: 2 }, ...extra };
}

/** base → r1 … r20 linear, then a branch (b1, b2) merged at m, head h; plus x1 whose parent is a typo of r5. */
function sampleScripts(): MigrationScript[] {
  const s: MigrationScript[] = [script("base0", null)];
  for (let i = 1; i <= 20; i++) s.push(script(`r${String(i).padStart(2, "0")}`, i === 1 ? "base0" : `r${String(i - 1).padStart(2, "0")}`));
  s.push(script("b1", "r20"), script("b2", "b1"), script("c1", "r20"), script("m", ["b2", "c1"]), script("h", "m"));
  s.push(script("x1", "r05x")); // dangling: "did you mean r05"
  return s;
}

function data(scripts = sampleScripts(), status: ProjectStatus | null = null) {
  const graph = buildRevisionGraph(scripts);
  const envs = [
    { name: "qa", position: 0, protected: false },
    { name: "production", position: 1, protected: true },
  ];
  return toGraphData("demo", graph, status, envs, (p) => p.replace("/p/", ""));
}

const status: ProjectStatus = {
  name: "demo",
  heads: ["h", "x1"],
  environments: [
    { name: "qa", state: "behind", revisions: ["m"], pending: ["h"], tooLong: [], checkedAt: "", durationMs: 1 },
    { name: "production", state: "behind", revisions: ["r03"], pending: [], tooLong: ["r15"], versionNumWidth: 2, checkedAt: "", durationMs: 1 },
  ],
};

describe("buildGraphModel", () => {
  it("draws a dangling reference as a broken edge to a placeholder carrying the missing id and the suggestion", () => {
    const d = data();
    const problem = d.problems.find((p) => p.code === "dangling-down-revision");
    expect(problem).toMatchObject({ revision: "x1", reference: "r05x", suggestion: "r05" });
    const model = buildGraphModel(d);
    const placeholder = model.nodes.find((n) => n.kind === "missing");
    expect(placeholder).toMatchObject({ id: "missing:r05x", reference: "r05x", suggestion: "r05" });
    expect(model.edges).toContainEqual({ id: "dangling:missing:r05x->x1", kind: "dangling", source: "missing:r05x", target: "x1" });
    expect(problemsByRevision(d).get("x1")?.[0]?.code).toBe("dangling-down-revision");
  });

  it("collapses long linear runs but keeps branch points, merges, heads and pinned revisions", () => {
    const model = buildGraphModel(data());
    const seg = model.nodes.find((n) => n.kind === "segment");
    // r01..r19 are plain (r20 is a branch point): one run of 19.
    expect(seg?.members).toEqual(Array.from({ length: 19 }, (_, i) => `r${String(19 - i).padStart(2, "0")}`));
    expect(model.nodeOf["r07"]).toBe(seg?.id);
    for (const id of ["r20", "b1", "b2", "c1", "m", "h", "base0"]) expect(model.nodeOf[id]).toBe(id);
    expect(model.edges.find((e) => e.source === "base0")?.target).toBe(seg?.id);
    expect(model.edges.find((e) => e.target === "r20")?.source).toBe(seg?.id);
  });

  it("does not collapse across environment markers or too-long ids", () => {
    const model = buildGraphModel(data(sampleScripts(), status));
    expect(model.nodeOf["r03"]).toBe("r03");
    expect(model.nodeOf["r15"]).toBe("r15");
    // r04..r14 (11) still collapse; r01,r02 and r16..r19 are too short to.
    const seg = model.nodes.find((n) => n.kind === "segment");
    expect(seg?.members).toHaveLength(11);
    expect(model.nodeOf["r02"]).toBe("r02");
    // the marker widens the node so the layout leaves room for the pill
    expect(model.nodes.find((n) => n.id === "r03")!.width).toBeGreaterThan(model.nodes.find((n) => n.id === "r02")!.width);
  });

  it("draws depends_on edges as their own kind", () => {
    const s = sampleScripts();
    s.push(script("dep", "h", { dependsOn: ["c1"] }));
    const model = buildGraphModel(data(s));
    expect(model.edges.filter((e) => e.kind === "depends")).toEqual([{ id: "depends:c1->dep", kind: "depends", source: "c1", target: "dep" }]);
  });
});

describe("the browser payload", () => {
  it("round-trips GraphData through the compact wire format (paths and create dates excepted: the side panel fetches them)", () => {
    const s = sampleScripts();
    s.push(script("dep", "h", { dependsOn: ["c1", "nolabel"], branchLabels: ["lbl"], createDate: "2026-01-01 00:00:00.000000" }));
    const d = data(s, status);
    const back = fromGraphWire(JSON.parse(JSON.stringify(toGraphWire(d))));
    // toEqual counts an undefined property as absent.
    expect(back).toEqual({ ...d, revisions: d.revisions.map((r) => ({ ...r, createDate: undefined, relativePath: "" })) });
    expect(d.revisions.find((r) => r.id === "dep")?.createDate).toBe("2026-01-01 00:00:00.000000");
  });

  it("sends a revision's parents as offsets in one string and nothing else for a plain revision", () => {
    const d = data(sampleScripts());
    const w = toGraphWire(d);
    const i = w.ids.indexOf("m");
    const offsets = w.parents.split(";");
    expect(offsets).toHaveLength(w.ids.length);
    expect(
      offsets[i]!.split(",")
        .map((o) => w.ids[i + Number(o)])
        .sort(),
    ).toEqual([...d.revisions[i]!.parents].sort());
    expect(offsets[w.ids.indexOf("r02")]).toBe("1");
    expect(w.extras[w.ids.indexOf("r02")]).toBeUndefined();
  });
});

describe("environments on the graph", () => {
  it("computes what promoting one environment to another applies, oldest first", () => {
    const d = data(sampleScripts(), status);
    const [qa, prod] = d.environments;
    const between = revisionsBetween(d, qa!, prod!);
    expect(between.promote[0]).toBe("r04");
    expect(between.promote.slice(-5).sort()).toEqual(["b1", "b2", "c1", "m", "r20"]);
    expect(between.promote).toHaveLength(17 + 4);
    expect(between.onlyInTarget).toEqual([]);
    const byId = new Map(d.revisions.map((r) => [r.id, r]));
    expect(appliedSet(["m"], byId).has("b1")).toBe(true);
    expect(appliedSet(["m"], byId).has("h")).toBe(false);
  });

  it("finds revisions by id prefix before message", () => {
    const d = data();
    expect(searchRevisions(d, "r1").map((r) => r.id)).toEqual(["r19", "r18", "r17", "r16", "r15", "r14", "r13", "r12", "r11", "r10"]);
    expect(searchRevisions(d, "msg b2").map((r) => r.id)).toEqual(["b2"]);
    expect(searchRevisions(d, "   ")).toEqual([]);
  });
});
