import { describe, expect, it } from "vitest";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import { computeEnvironmentState } from "@/lib/targets/compute-environment-state";
import type { MigrationScript } from "@/lib/graph/types";
import type { VersionTableReadResult } from "@/lib/targets/types";

const LONG = "9e107d9d372bb6826bd81d3542a419d6e4f2c8b1";
function script(revision: string, down: string[], branchLabels: string[] = []): MigrationScript {
  return { revision, downRevisions: down, branchLabels, dependsOn: [], path: `/v/${revision}.py`, message: revision, lines: {} };
}
// a → b → c → d (main) ; r → LONG (labelled "reporting")
const graph = buildRevisionGraph([script("aaaa", []), script("bbbb", ["aaaa"]), script("cccc", ["bbbb"]), script("dddd", ["cccc"]), script("rrrr", [], ["reporting"]), script(LONG, ["rrrr"])]);

const at = (read: VersionTableReadResult) => computeEnvironmentState({ name: "qa", graph, read, checkedAt: new Date(0), durationMs: 12.4 });
const rows = (revisions: string[], versionNumWidth?: number): VersionTableReadResult => ({ ok: true, tableExists: true, revisions, ...(versionNumWidth ? { versionNumWidth } : {}) });

describe("computeEnvironmentState", () => {
  it("is current when the rows are exactly the heads, in any order", () => {
    const s = at(rows([LONG, "dddd"], 64));
    expect(s).toMatchObject({ name: "qa", state: "current", pending: [], tooLong: [], versionNumWidth: 64, checkedAt: "1970-01-01T00:00:00.000Z", durationMs: 12 });
  });

  it("is behind with what `upgrade heads` applies, in order, and flags ids too long for version_num", () => {
    const s = at(rows(["bbbb"], 32));
    expect(s.state).toBe("behind");
    expect(new Set(s.pending)).toEqual(new Set(["cccc", "dddd", "rrrr", LONG]));
    expect(s.pending.indexOf("cccc")).toBeLessThan(s.pending.indexOf("dddd"));
    expect(s.pending.indexOf("rrrr")).toBeLessThan(s.pending.indexOf(LONG));
    expect(s.tooLong).toEqual([LONG]);
  });

  it("treats several rows (labelled branches side by side) as normal", () => {
    const s = at(rows(["dddd", "rrrr"]));
    expect(s).toMatchObject({ state: "behind", revisions: ["dddd", "rrrr"], pending: [LONG] });
  });

  it("reports a row the repo lacks as unknown-revision", () => {
    const s = at(rows(["dddd", "ffff0000"]));
    expect(s.state).toBe("unknown-revision");
    expect(s.unknownRevisions).toEqual(["ffff0000"]);
    expect(s.error).toMatch(/stamped at a revision the repo lacks \(ffff0000\): a branch never merged, or a newer release/);
    expect(s.pending).toEqual([]);
  });

  it("distinguishes no table (uninitialized) from an empty table, both with everything pending", () => {
    const u = at({ ok: true, tableExists: false, revisions: [] });
    expect(u.state).toBe("uninitialized");
    expect(u.pending).toHaveLength(6);
    expect(at({ ok: true, tableExists: true, revisions: [], versionNumWidth: 32 })).toMatchObject({ state: "empty", tooLong: [LONG] });
  });

  it("passes an unreachable reason through", () => {
    const s = at({ ok: false, reason: "connection refused", message: "connection refused: connect ECONNREFUSED 127.0.0.1:1" });
    expect(s).toMatchObject({ state: "unreachable", reason: "connection refused", error: "connection refused: connect ECONNREFUSED 127.0.0.1:1", revisions: [], pending: [], tooLong: [] });
  });
});
