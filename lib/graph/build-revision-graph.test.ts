import { describe, expect, it } from "vitest";
import type { MigrationScript } from "@/lib/graph/types";
import { isAppError } from "@/lib/errors";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { ancestorsOf, descendantsOf } from "@/lib/graph/describe-history";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import { resolveRevisions } from "@/lib/graph/resolve-revisions";

function script(revision: string, down: string[] = [], extra: Partial<MigrationScript> = {}): MigrationScript {
  return {
    revision,
    downRevisions: down,
    branchLabels: [],
    dependsOn: [],
    path: `/p/versions/${revision}_step.py`,
    message: "",
    lines: { revision: 10, downRevision: 11, branchLabels: 12, dependsOn: 13 },
    ...extra,
  };
}

function errorOf(fn: () => unknown): { code: string; message: string; userMessage: string } {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message, userMessage: e.userMessage };
    throw e;
  }
  throw new Error("expected an AppError");
}

const linear = [script("aaaa0001"), script("bbbb0002", ["aaaa0001"]), script("cccc0003", ["bbbb0002"])];

describe("buildRevisionGraph problems", () => {
  it("suggests the revision declared in a file when down_revision names the file", () => {
    const scripts = [
      script("7c1f0e2a9b3d", [], { path: "/p/versions/20250915_cleanup_mail_status_exclusivity.py" }),
      script("8d2e1f3b0c4e", ["20250915_cleanup_mail_status_exclusivity.py"]),
      script("9e3f2a4c1d5f", ["20250915_cleanup_mail_status_exclusivity"]),
    ];
    const g = buildRevisionGraph(scripts);
    const dangling = g.problems.filter((p) => p.code === "dangling-down-revision");
    expect(dangling).toHaveLength(2);
    for (const p of dangling) {
      expect(p.severity).toBe("error");
      expect(p.line).toBe(11);
      expect(p.data?.suggestion).toBe("7c1f0e2a9b3d");
      expect(p.message).toContain("Did you mean '7c1f0e2a9b3d'?");
    }
    // Drawn anyway: the reference is kept as declared, the node shows as a base.
    const node = g.revisions.get("8d2e1f3b0c4e")!;
    expect(node.downRevisions).toEqual(["20250915_cleanup_mail_status_exclusivity.py"]);
    expect(node.isBase).toBe(true);
    expect(g.history).toHaveLength(3);
  });

  it("suggests a unique prefix or a near-miss id, and nothing when unrelated", () => {
    const g = buildRevisionGraph([script("ae1027a6acf1"), script("b2", ["ae1027"]), script("c3", ["ae1027a6acf2"]), script("d4", ["zzzzzzzz"])]);
    const byRev = new Map(g.problems.map((p) => [p.revision, p]));
    expect(byRev.get("b2")?.data?.suggestion).toBe("ae1027a6acf1");
    expect(byRev.get("c3")?.data?.suggestion).toBe("ae1027a6acf1");
    expect(byRev.get("d4")?.data?.suggestion).toBeUndefined();
  });

  it("reports a depends_on that only prefixes an id (Alembic matches depends_on exactly)", () => {
    const g = buildRevisionGraph([script("aaaa11110000"), script("bbbb22220000", [], { dependsOn: ["aaaa1111"] })]);
    const p = g.problems.find((x) => x.code === "dangling-depends-on")!;
    expect(p.line).toBe(13);
    expect(p.data?.suggestion).toBe("aaaa11110000");
  });

  it("labels expand/contract heads as info, unlabelled heads as error", () => {
    const labelled = buildRevisionGraph([script("base0001"), script("exp00001", ["base0001"], { branchLabels: ["expand"] }), script("con00001", ["base0001"], { branchLabels: ["contract"] }), script("exp00002", ["exp00001"])]);
    const info = labelled.problems.find((p) => p.code === "multiple-heads")!;
    expect(info.severity).toBe("info");
    expect(labelled.revisions.get("exp00002")!.effectiveBranchLabels).toEqual(["expand"]);
    expect(labelled.revisions.get("base0001")!.effectiveBranchLabels).toEqual([]);

    const plain = buildRevisionGraph([script("base0001"), script("x0000001", ["base0001"]), script("y0000001", ["base0001"])]);
    const err = plain.problems.find((p) => p.code === "multiple-heads")!;
    expect(err.severity).toBe("error");
    expect(err.message).toContain("alembic merge heads");
  });

  it("flags ids longer than version_num holds", () => {
    const long = "a".repeat(33);
    const g = buildRevisionGraph([script(long), script("ok", [long])]);
    expect(g.problems.map((p) => [p.code, p.severity, p.revision])).toEqual([["revision-too-long", "error", long]]);
    expect(buildRevisionGraph([script(long)], { maxRevisionLength: 40 }).problems).toEqual([]);
  });

  it("keeps the last duplicate, in the first one's place, and says so", () => {
    const g = buildRevisionGraph([script("dup00001", [], { path: "/p/versions/a.py" }), script("other001", ["dup00001"]), script("dup00001", [], { path: "/p/versions/z.py" })]);
    const p = g.problems.find((x) => x.code === "duplicate-revision")!;
    expect(p.severity).toBe("error");
    expect(p.path).toBe("/p/versions/z.py");
    expect(p.message).toContain("/p/versions/a.py");
    expect([...g.revisions.keys()]).toEqual(["dup00001", "other001"]);
    expect(g.revisions.get("dup00001")!.path).toBe("/p/versions/z.py");
  });

  it("names the revisions of a cycle and still orders the rest", () => {
    const g = buildRevisionGraph([script("root0001"), script("aaaa0001", ["cccc0003"]), script("bbbb0002", ["aaaa0001"]), script("cccc0003", ["bbbb0002"]), script("tail0004", ["cccc0003"])]);
    const cycle = g.problems.find((p) => p.code === "cycle")!;
    expect(cycle.severity).toBe("error");
    expect(cycle.data?.revisions).toEqual(["aaaa0001", "bbbb0002", "cccc0003"]);
    expect(cycle.message).toContain("Cycle is detected in revisions (aaaa0001, bbbb0002, cccc0003)");
    expect(new Set(g.history)).toEqual(new Set(["root0001", "aaaa0001", "bbbb0002", "cccc0003", "tail0004"]));
  });

  it("reports self-loops and duplicate branch labels", () => {
    const g = buildRevisionGraph([script("self0001", ["self0001"]), script("lbl00001", [], { branchLabels: ["feature"] }), script("lbl00002", ["lbl00001"], { branchLabels: ["feature"] })]);
    expect(g.problems.map((p) => p.code).sort()).toEqual(["cycle", "duplicate-branch-label", "multiple-heads"]);
    const dup = g.problems.find((p) => p.code === "duplicate-branch-label")!;
    expect(dup.message).toBe("Branch name 'feature' in revision lbl00002 already used by revision lbl00001; Alembic refuses to load the project. Rename the label in /p/versions/lbl00002_step.py.");
    expect(dup.line).toBe(12);
  });

  it("sorts problems errors first, then by path and line", () => {
    const g = buildRevisionGraph([script("zz000001", [], { path: "/p/versions/b.py" }), script("yy000001", ["missing1"], { path: "/p/versions/c.py" }), script("a".repeat(40), [], { path: "/p/versions/a.py" })]);
    expect(g.problems.map((p) => [p.severity, p.path])).toEqual([
      ["error", "/p/versions/a.py"],
      ["error", "/p/versions/b.py"],
      ["error", "/p/versions/c.py"],
    ]);
  });

  it("never throws on garbage", () => {
    const g = buildRevisionGraph([script(""), script("x@y", ["nope"]), { ...script("q0000001"), downRevisions: undefined as unknown as string[] }]);
    expect(g.problems.some((p) => p.code === "missing-revision")).toBe(true);
    expect(g.problems.some((p) => p.code === "invalid-revision-id")).toBe(true);
  });
});

describe("resolveRevisions", () => {
  const g = buildRevisionGraph([script("ab120000"), script("ab340000", ["ab120000"]), script("cd560000", ["ab340000"], { branchLabels: ["feature"] }), script("ef780000", ["ab340000"])]);

  it("resolves symbols like Alembic", () => {
    expect(resolveRevisions(g, "heads")).toEqual(["cd560000", "ef780000"]);
    expect(resolveRevisions(g, "base")).toEqual([]);
    expect(resolveRevisions(g, "feature@head")).toEqual(["cd560000"]);
    expect(resolveRevisions(g, "feature")).toEqual(["cd560000"]);
    expect(resolveRevisions(g, "cd56")).toEqual(["cd560000"]);
    expect(resolveRevisions(g, "cd560000")).toEqual(["cd560000"]);
  });

  it("refuses ambiguous prefixes and unknown ids with Alembic's reasons", () => {
    const ambiguous = errorOf(() => resolveRevisions(g, "ab12x"));
    expect(ambiguous.code).toBe("bad-request");
    expect(ambiguous.userMessage).toContain("Can't locate revision identified by 'ab12x'");
    const multi = errorOf(() => resolveRevisions(buildRevisionGraph([script("abcd0001"), script("abcd0002")]), "abcd"));
    expect(multi.message).toBe("Multiple revisions start with 'abcd': 'abcd0001', 'abcd0002'...");
    const unknown = errorOf(() => resolveRevisions(g, "zz"));
    expect(unknown.message).toBe("Can't locate revision identified by 'zz'");
    const head = errorOf(() => resolveRevisions(g, "head"));
    expect(head.message).toContain("Multiple head revisions are present for given argument 'head'");
  });
});

describe("paths and lineage", () => {
  const g = buildRevisionGraph(linear);
  it("plans upgrades and downgrades with version rows afterwards", () => {
    expect(upgradePath(g, [], "head")).toEqual({ direction: "upgrade", steps: ["aaaa0001", "bbbb0002", "cccc0003"], resultHeads: ["cccc0003"] });
    expect(upgradePath(g, ["aaaa0001"], "+1")).toEqual({ direction: "upgrade", steps: ["bbbb0002"], resultHeads: ["bbbb0002"] });
    expect(downgradePath(g, ["cccc0003"], "-2")).toEqual({ direction: "downgrade", steps: ["cccc0003", "bbbb0002"], resultHeads: ["aaaa0001"] });
    expect(downgradePath(g, ["cccc0003"], "base").resultHeads).toEqual([]);
    expect(errorOf(() => downgradePath(g, ["aaaa0001"], "cccc0003")).message).toBe("Destination cccc0003 is not a valid downgrade target from current head(s)");
  });
  it("lists ancestors and descendants newest first", () => {
    expect(ancestorsOf(g, "cccc0003")).toEqual(["bbbb0002", "aaaa0001"]);
    expect(descendantsOf(g, "aaaa0001")).toEqual(["cccc0003", "bbbb0002"]);
    expect(errorOf(() => ancestorsOf(g, "nope")).code).toBe("not-found");
  });
});
