import { describe, expect, it } from "vitest";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { computeEnvironmentState } from "@/lib/targets/compute-environment-state";
import { summarizeProjectStatus } from "@/lib/targets/summarize-project-status";
import type { MigrationScript } from "@/lib/graph/types";
import type { EnvironmentStatus, VersionTableReadResult } from "@/lib/targets/types";

function script(revision: string, down: string[], message = `change ${revision}`): MigrationScript {
  return { revision, downRevisions: down, branchLabels: [], dependsOn: [], path: `/v/${revision}.py`, message, lines: {} };
}
// r000 → r001 → … → r199: a chain long enough that the overview must not carry its pending paths.
const ids = Array.from({ length: 200 }, (_, i) => `r${String(i).padStart(3, "0")}`);
const graph = buildRevisionGraph(ids.map((id, i) => script(id, i === 0 ? [] : [ids[i - 1]!], i === 5 ? "x".repeat(500) : `change ${id}`)));

const env = (name: string, read: VersionTableReadResult): EnvironmentStatus => computeEnvironmentState({ name, graph, read, checkedAt: new Date(0), durationMs: 3 });
const at = (revision: string | null): VersionTableReadResult => ({ ok: true, tableExists: true, revisions: revision ? [revision] : [] });
const status = (...environments: EnvironmentStatus[]) => ({ name: "shop", heads: [...graph.heads], environments });

describe("summarizeProjectStatus", () => {
  it("sends counts and the first few pending ids, with summaries of only the ids it names", () => {
    const s = summarizeProjectStatus(status(env("qa", at("r199")), env("staging", at("r002"))), graph);
    expect(s.revisionCount).toBe(200);
    const [qa, staging] = s.environments;
    expect(qa).toMatchObject({ state: "current", pendingCount: 0, pendingFirst: [] });
    expect(staging).toMatchObject({ state: "behind", pendingCount: 197, pendingFirst: ["r003", "r004", "r005"] });
    expect(staging).not.toHaveProperty("pending");
    expect(Object.keys(s.revisions).sort()).toEqual(["r002", "r003", "r004", "r005", "r199"]);
    expect(s.revisions.r005!.message).toHaveLength(120);
    // Small enough to poll: a 200-revision gap is a few hundred bytes, not every id.
    expect(JSON.stringify(s).length).toBeLessThan(2000);
  });

  it("flags an environment ahead of its predecessor in the promotion order, with by how much", () => {
    // staging was downgraded to r150; production still stands at r160.
    const s = summarizeProjectStatus(status(env("qa", at("r199")), env("staging", at("r150")), env("production", at("r160"))), graph);
    expect(s.environments.map((e) => e.ahead ?? null)).toEqual([null, null, { of: "staging", count: 10, first: ["r158", "r159", "r160"] }]);
    expect(s.revisions.r160).toBeDefined();
  });

  it("flags a current environment after one that is behind, and nothing when the order holds", () => {
    const ahead = summarizeProjectStatus(status(env("staging", at("r198")), env("production", at("r199"))), graph);
    expect(ahead.environments[1]!.ahead).toEqual({ of: "staging", count: 1, first: ["r199"] });
    const inOrder = summarizeProjectStatus(status(env("qa", at("r199")), env("staging", at("r100")), env("production", at("r100")), env("dr", at(null))), graph);
    expect(inOrder.environments.map((e) => e.ahead)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("does not compare with an environment whose position is unknown", () => {
    const unreachable = env("staging", { ok: false, reason: "connection refused", message: "connection refused" });
    const s = summarizeProjectStatus(status(unreachable, env("production", at("r199"))), graph);
    expect(s.environments[1]!.ahead).toBeUndefined();
    // behind, but the graph could not work out its pending path: not "ahead" by everything.
    const unknownPath = { ...env("staging", at("r100")), pending: [], error: "the pending revisions could not be worked out" };
    expect(summarizeProjectStatus(status(env("qa", at("r050")), unknownPath), graph).environments[1]!.ahead).toBeUndefined();
  });

  it("attaches a failed or interrupted last run to its environment", () => {
    const problem = { id: "run-1", status: "failed" as const, kind: "upgrade", target: "heads", at: "2026-11-28T06:00:00.000Z" };
    const s = summarizeProjectStatus(status(env("qa", at("r199")), env("staging", at("r100"))), graph, new Map([["staging", problem]]));
    expect(s.environments.map((e) => e.lastRunProblem ?? null)).toEqual([null, problem]);
  });

  it("splits ids too long for version_num into still to come and already recorded", () => {
    const long = "a".repeat(40);
    const g = buildRevisionGraph([script("r0a", []), script(long, ["r0a"]), script("r0c", [long])]);
    const e = computeEnvironmentState({ name: "qa", graph: g, read: { ok: true, tableExists: true, revisions: ["r0a"], versionNumWidth: 32 }, checkedAt: new Date(0), durationMs: 1 });
    const s = summarizeProjectStatus({ name: "p", heads: ["r0c"], environments: [e] }, g);
    expect(s.environments[0]).toMatchObject({ tooLong: [long], tooLongPending: [long] });
  });
});

describe("pending paths per graph version", () => {
  it("are worked out once per graph and applied rows, and callers get their own copy", () => {
    const a = env("a", at("r010"));
    const b = env("b", at("r010"));
    expect(b.pending).toEqual(a.pending);
    expect(b.pending).not.toBe(a.pending);
    a.pending.length = 0;
    expect(env("c", at("r010")).pending).toHaveLength(189);
  });
});
