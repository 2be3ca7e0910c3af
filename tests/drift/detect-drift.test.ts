import { describe, expect, it } from "vitest";
import { detectDrift } from "@/lib/drift/detect-drift";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import type { SchemaSnapshot } from "@/lib/drift/types";

function schema(nullable: boolean, extraTable = false): SchemaSnapshot {
  return {
    dialect: "postgresql",
    tables: [
      {
        schema: "public",
        name: "blocks",
        columns: [{ name: "created_at", type: "timestamp with time zone", nullable, default: "now()", identity: null, generated: null }],
        indexes: [],
        constraints: [],
      },
      ...(extraTable ? [{ schema: "public", name: "audit_log", columns: [], indexes: [], constraints: [] }] : []),
    ],
    views: [],
    sequences: [],
    enums: [],
  };
}

describe("detectDrift", () => {
  it("finds nothing when schemas at the same revision agree and match their baselines", () => {
    const s = schema(true);
    const baseline = { snapshot: schema(true), fingerprint: fingerprintSnapshot(s), createdAt: new Date("2026-01-02T03:04:05Z") };
    expect(
      detectDrift([
        { name: "qa", revisions: ["b", "a"], snapshot: s, baseline },
        { name: "staging", revisions: ["a", "b"], snapshot: schema(true), baseline },
        { name: "production", revisions: ["a"], snapshot: schema(false, true) },
        { name: "broken", revisions: ["a", "b"], snapshot: null },
      ]),
    ).toEqual([]);
  });

  it("finds neighbours in the promotion order at the same revision whose schemas differ", () => {
    const findings = detectDrift([
      { name: "qa", revisions: ["3f2a9c"], snapshot: schema(true) },
      { name: "staging", revisions: ["3f2a9c"], snapshot: schema(false) },
      { name: "production", revisions: ["3f2a9c"], snapshot: schema(true) },
    ]);
    expect(findings).toEqual([
      {
        kind: "environments-differ",
        revisionKey: "3f2a9c",
        left: "qa",
        right: "staging",
        differences: [{ kind: "column-nullable", object: "blocks.created_at", left: "nullable", right: "NOT NULL", message: "blocks.created_at: nullable → NOT NULL" }],
        message: "qa and staging are both at revision 3f2a9c but their schemas differ (1 difference)",
      },
      {
        // production is compared with staging, its neighbour before it, not with qa.
        kind: "environments-differ",
        revisionKey: "3f2a9c",
        left: "staging",
        right: "production",
        differences: [{ kind: "column-nullable", object: "blocks.created_at", left: "NOT NULL", right: "nullable", message: "blocks.created_at: NOT NULL → nullable" }],
        message: "staging and production are both at revision 3f2a9c but their schemas differ (1 difference)",
      },
    ]);
  });

  it("finds an environment that moved away from its baseline", () => {
    const base = schema(true);
    const findings = detectDrift([
      {
        name: "production",
        revisions: ["b2", "a1"],
        snapshot: schema(true, true),
        baseline: { snapshot: base, fingerprint: fingerprintSnapshot(base), createdAt: "2026-01-02T03:04:05.000Z" },
      },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: "baseline-differs",
      environment: "production",
      revisionKey: "a1,b2",
      message: "production differs from the baseline recorded at revisions a1,b2 on 2026-01-02T03:04:05.000Z (1 difference)",
    });
    expect(findings[0]!.differences.map((d) => d.message)).toEqual(["table audit_log only on production"]);
  });

  it("trusts the diff over a stale stored fingerprint", () => {
    const s = schema(true);
    expect(detectDrift([{ name: "qa", revisions: ["a"], snapshot: s, baseline: { snapshot: s, fingerprint: "stale", createdAt: new Date() } }])).toEqual([]);
  });
});
