import { describe, expect, it } from "vitest";
import { detectDrift, type DriftEnvironmentInput } from "@/lib/drift/detect-drift";
import { countEnvironmentDrift } from "@/lib/drift/count-environment-drift";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import type { SchemaSnapshot } from "@/lib/drift/types";

/** customers(id, name) and orders(id); `extra` adds customers.nickname, `notNull` tightens name. */
function schema(o: { extra?: boolean; notNull?: boolean; noIndex?: boolean } = {}): SchemaSnapshot {
  const col = (name: string, nullable = true) => ({ name, type: "integer", nullable, default: null, identity: null, generated: null });
  return {
    dialect: "postgresql",
    tables: [
      {
        schema: "public",
        name: "customers",
        columns: [col("id", false), col("name", !o.notNull), ...(o.extra ? [col("nickname")] : [])],
        indexes: o.noIndex ? [] : [{ name: "ix_customers_name", columns: ["name"], include: [], unique: false, predicate: null, method: "btree" }],
        constraints: [],
      },
      { schema: "public", name: "orders", columns: [col("id", false)], indexes: [], constraints: [] },
    ],
    views: [],
    sequences: [],
    enums: [],
  };
}
const baselineOf = (s: SchemaSnapshot) => ({ snapshot: s, fingerprint: fingerprintSnapshot(s), createdAt: "2026-11-01T00:00:00.000Z" });

function count(inputs: DriftEnvironmentInput[]) {
  const findings = detectDrift(inputs);
  const counts = countEnvironmentDrift(findings, new Set(inputs.filter((i) => i.baseline).map((i) => i.name)));
  return Object.fromEntries(inputs.map((i) => [i.name, counts.get(i.name) ? { n: counts.get(i.name)!.differences.length, against: counts.get(i.name)!.against } : 0]));
}

describe("countEnvironmentDrift", () => {
  it("counts one extra column on production once, saying it differs from staging and from its baseline; qa and staging are clean", () => {
    const clean = schema();
    expect(
      count([
        { name: "qa", revisions: ["d4"], snapshot: clean, baseline: baselineOf(clean) },
        { name: "staging", revisions: ["d4"], snapshot: clean, baseline: baselineOf(clean) },
        { name: "production", revisions: ["d4"], snapshot: schema({ extra: true }), baseline: baselineOf(clean) },
      ]),
    ).toEqual({ qa: 0, staging: 0, production: { n: 1, against: ["its baseline", "staging at the same revision"] } });
  });

  it("compares neighbours in the promotion order: production against staging, not against qa", () => {
    const findings = detectDrift([
      { name: "qa", revisions: ["d4"], snapshot: schema() },
      { name: "staging", revisions: ["d4"], snapshot: schema({ extra: true }) },
      { name: "production", revisions: ["d4"], snapshot: schema({ extra: true, notNull: true }) },
    ]);
    expect(findings.map((f) => (f.kind === "environments-differ" ? [f.left, f.right, f.differences.length] : null))).toEqual([
      ["qa", "staging", 1],
      ["staging", "production", 1],
    ]);
  });

  it("keeps a clean qa clean when staging moved away from both", () => {
    const clean = schema();
    const c = count([
      { name: "qa", revisions: ["d4"], snapshot: clean, baseline: baselineOf(clean) },
      { name: "staging", revisions: ["d4"], snapshot: schema({ notNull: true }), baseline: baselineOf(clean) },
    ]);
    expect(c).toEqual({ qa: 0, staging: { n: 1, against: ["its baseline", "qa at the same revision"] } });
  });

  it("charges the earlier environment when its own baseline shows it moved and the later one still matches", () => {
    const clean = schema();
    expect(
      count([
        { name: "qa", revisions: ["d4"], snapshot: schema({ noIndex: true }), baseline: baselineOf(clean) },
        { name: "staging", revisions: ["d4"], snapshot: clean },
      ]),
    ).toEqual({ qa: { n: 1, against: ["its baseline", "staging at the same revision"] }, staging: 0 });
  });

  it("without baselines, charges the later environment in the promotion order", () => {
    expect(
      count([
        { name: "qa", revisions: ["d4"], snapshot: schema() },
        { name: "staging", revisions: ["d4"], snapshot: schema({ notNull: true, extra: true }) },
      ]),
    ).toEqual({ qa: 0, staging: { n: 2, against: ["qa at the same revision"] } });
  });
});
