import { describe, expect, it } from "vitest";
import { buildRevisionGraph } from "@/lib/graph/build-revision-graph";
import type { MigrationScript } from "@/lib/graph/types";
import type { SchemaSnapshot, TableSnapshot } from "@/lib/drift/types";
import { describeSchemaChanges } from "@/lib/rehearsal/describe-schema-changes";
import { hashPathFiles } from "@/lib/rehearsal/hash-path-files";
import { planRehearsal } from "@/lib/rehearsal/plan-rehearsal-steps";
import { assertScratchIsNotTarget, isScratchDatabaseName, scratchDatabaseName } from "@/lib/rehearsal/scratch-name";
import { toRehearsalJson } from "@/lib/rehearsal/types";
import { parseCairnConfig } from "@/lib/config/cairn-config";

function script(revision: string, downRevisions: string[]): MigrationScript {
  return { revision, downRevisions, dependsOn: [], branchLabels: [], path: `/p/${revision}.py`, message: revision, lines: {} } as MigrationScript;
}

function table(name: string, over: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: "public",
    name,
    columns: [{ name: "id", type: "integer", nullable: false, default: null, identity: null, generated: null }],
    indexes: [],
    constraints: [{ name: `${name}_pkey`, kind: "primary", columns: ["id"], definition: "PRIMARY KEY (id)" }],
    ...over,
  };
}

const snap = (tables: TableSnapshot[]): SchemaSnapshot => ({ dialect: "postgresql", tables, views: [], sequences: [], enums: [] });

describe("planRehearsal", () => {
  // a1 → b2 → c3, and b2 → x4 (a branch), merged by m5.
  const graph = buildRevisionGraph([script("a1", []), script("b2", ["a1"]), script("c3", ["b2"]), script("x4", ["b2"]), script("m5", ["c3", "x4"])]);

  it("cuts an upgrade into one Alembic target per migration, then back and again", () => {
    const p = planRehearsal(graph, ["a1"], "upgrade", ["b2", "c3"]);
    expect(p.path.map((s) => [s.revision, s.alembicTarget, s.headsAfter])).toEqual([
      ["b2", "b2", ["b2"]],
      ["c3", "c3", ["c3"]],
    ]);
    expect(p.back.map((s) => [s.revision, s.direction, s.alembicTarget, s.headsAfter])).toEqual([
      ["c3", "downgrade", "b2", ["b2"]],
      ["b2", "downgrade", "a1", ["a1"]],
    ]);
    expect(p.again.map((s) => s.alembicTarget)).toEqual(["b2", "c3"]);
    expect(p.to).toEqual(["c3"]);
  });

  it("reverts a base revision with base, and one branch of two heads without touching the other", () => {
    expect(planRehearsal(graph, [], "upgrade", ["a1"]).back.map((s) => s.alembicTarget)).toEqual(["base"]);
    const p = planRehearsal(graph, ["c3"], "upgrade", ["x4"]);
    expect(p.path[0]!.headsAfter.sort()).toEqual(["c3", "x4"]);
    // Downgrading to b2 would also revert c3: the plan picks a target that reverts x4 alone.
    expect(p.back).toHaveLength(1);
    expect(p.back[0]!.headsAfter).toEqual(["c3"]);
  });

  it("plans a downgrade run's round trip as upgrades", () => {
    const p = planRehearsal(graph, ["c3"], "downgrade", ["c3", "b2"]);
    expect(p.path.map((s) => s.alembicTarget)).toEqual(["b2", "a1"]);
    expect(p.back.map((s) => [s.direction, s.alembicTarget])).toEqual([
      ["upgrade", "b2"],
      ["upgrade", "c3"],
    ]);
  });
});

describe("describeSchemaChanges", () => {
  const indexed = table("notifications", { indexes: [{ name: "ix_notifications_user_id", columns: ["user_id"], include: [], unique: false, predicate: null, method: "btree" }] });

  it("names a missing index with its table", () => {
    expect(describeSchemaChanges(snap([indexed]), snap([table("notifications")]), "after downgrade")).toEqual(["index ix_notifications_user_id on notifications is missing after downgrade"]);
  });

  it("names what a downgrade leaves over and what it changes", () => {
    const before = snap([table("notifications")]);
    const after = snap([table("notifications", { columns: [{ name: "id", type: "bigint", nullable: false, default: null, identity: null, generated: null }] }), table("digests")]);
    expect(describeSchemaChanges(before, after, "after downgrade")).toEqual(["table digests is left over after downgrade (it was not there before)", "notifications.id: type integer → bigint after downgrade"]);
  });

  it("is empty for the same schema", () => {
    expect(describeSchemaChanges(snap([indexed]), snap([indexed]), "after downgrade")).toEqual([]);
  });
});

describe("scratch names", () => {
  it("are cairn_rehearsal_<id>, lower-case and bounded", () => {
    expect(scratchDatabaseName("AB-12_cd")).toBe("cairn_rehearsal_ab12cd");
    expect(scratchDatabaseName("x".repeat(80))).toHaveLength(63);
    expect(isScratchDatabaseName("cairn_rehearsal_ab12")).toBe(true);
    expect(isScratchDatabaseName("shop_production")).toBe(false);
  });

  it("refuse a scratch database that could be the target", () => {
    const t = { host: "db", port: "5432", database: "shop" };
    expect(() => assertScratchIsNotTarget({ host: "db", port: "5432", database: "cairn_rehearsal_1" }, t)).not.toThrow();
    expect(() => assertScratchIsNotTarget({ host: "db", port: "5432", database: "shop" }, t)).toThrow(expect.objectContaining({ userMessage: expect.stringContaining("A rehearsal never writes to its target") }));
    expect(() => assertScratchIsNotTarget({ host: "DB", port: "5432", database: "cairn_rehearsal_1" }, { ...t, database: "cairn_rehearsal_1" })).toThrow();
  });
});

describe("hashPathFiles and the JSON shape", () => {
  it("changes when a migration file changes", () => {
    const a = hashPathFiles([{ revision: "c3", source: "op.add_column(...)" }]);
    expect(hashPathFiles([{ revision: "c3", source: "op.add_column(...)" }])).toBe(a);
    expect(hashPathFiles([{ revision: "c3", source: "op.add_column(...) " }])).not.toBe(a);
    expect(hashPathFiles([{ revision: "c3", source: null }])).not.toBe(a);
  });

  it("prints the issue's JSON: no phase, no log", () => {
    const j = toRehearsalJson({
      ok: false,
      from: ["b2"],
      to: ["c3"],
      steps: [{ revision: "c3", direction: "upgrade", phase: "path", ok: false, ms: 12, error: "boom", log: "Traceback…" }],
      roundTrip: { checked: false, reversible: false, differences: [] },
    });
    expect(j).toEqual({ ok: false, from: ["b2"], to: ["c3"], steps: [{ revision: "c3", direction: "upgrade", ok: false, ms: 12, error: "boom" }], roundTrip: { checked: false, reversible: false, differences: [] } });
  });
});

describe("cairn.config.json rehearsal keys", () => {
  const base = { name: "shop", alembic: "./alembic.ini", environments: [{ name: "qa", url: "env:CAIRN_ENV_QA" }] };

  it("defaults to the target's own server, 24 h, schema only", () => {
    const p = parseCairnConfig({ projects: [base] }, "/srv/c.json").projects[0]!;
    expect(p.rehearsal).toEqual({ url: null, maxAgeHours: 24 });
    expect(p.environments[0]!.rehearsal).toEqual({ withData: false, maxDataMb: 100, requireReversible: false });
  });

  it("reads a rehearsal server, an age, a data copy and required reversibility", () => {
    const p = parseCairnConfig(
      { projects: [{ ...base, rehearsal: { url: "env:CAIRN_ENV_REHEARSAL", maxAgeHours: 6 }, environments: [{ name: "qa", url: "env:CAIRN_ENV_QA", rehearsal: { withData: true, maxDataMb: 20, requireReversible: true } }] }] },
      "/srv/c.json",
    ).projects[0]!;
    expect(p.rehearsal).toEqual({ url: "env:CAIRN_ENV_REHEARSAL", maxAgeHours: 6 });
    expect(p.environments[0]!.rehearsal).toEqual({ withData: true, maxDataMb: 20, requireReversible: true });
  });

  it("names a misspelt rehearsal key and what is allowed", () => {
    expect(() => parseCairnConfig({ projects: [{ ...base, environments: [{ name: "qa", url: "env:CAIRN_ENV_QA", rehearsal: { withdata: true } }] }] }, "/srv/c.json")).toThrow(
      expect.objectContaining({ userMessage: expect.stringContaining('projects[0].environments[0].rehearsal: unknown key "withdata" — remove it or fix the spelling (allowed: withData, maxDataMb, requireReversible, required)') }),
    );
    expect(() => parseCairnConfig({ projects: [{ ...base, rehearsal: { url: "env:DATABASE_URL" } }] }, "/srv/c.json")).toThrow(expect.objectContaining({ code: "config" }));
  });
});
