/**
 * Lint against real Alembic rendering real migrations offline (no database server needed): every
 * rule's fixture must trigger exactly its rule, every safe twin nothing.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lintProjectPath, type LintProjectPathResult } from "@/lib/lint-service/lint-project-path";
import { LINT_RULE_IDS } from "@/lib/lint/types";

const PROJECT = path.resolve(import.meta.dirname, "project");
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];

/** What each migration after `start` must trigger (acknowledged findings in brackets are listed, not counted). */
const EXPECTED: Record<string, string[]> = {
  drop_table_bad: ["drop-table"],
  drop_table_ok: [],
  drop_column_bad: ["drop-column"],
  drop_column_ok: [],
  recreate_bad: ["table-recreate"],
  recreate_ok: [],
  rename_table_bad: ["rename-table"],
  rename_table_ok: [],
  rename_column_bad: ["rename-column"],
  rename_column_ok: [],
  type_change_bad: ["column-type-change"],
  type_change_ok: [],
  not_null_bad: ["not-null-without-default", "not-null-without-default"],
  not_null_ok: [],
  index_bad: ["non-concurrent-index"],
  index_ok: [],
  constraint_bad: ["constraint-without-not-valid"],
  constraint_ok: [],
  // Reading rows cannot run offline: the render stops there, and the loop is found in the Python.
  backfill_bad: ["preview-unavailable", "row-by-row-backfill"],
  backfill_ok: [],
  events_table: [],
  jsonb_bad: ["jsonb-operator-on-json"],
  jsonb_ok: [],
  syntax_bad: ["syntax-error"],
  syntax_ok: [],
  downgrade_pass_bad: ["irreversible-downgrade"],
  downgrade_raise_bad: ["irreversible-downgrade"],
  a_revision_id_longer_than_thirty_two: ["revision-id-too-long"],
  ack_line_ok: [],
  ack_doc_ok: [],
};

const counted = (r: LintProjectPathResult, revision: string) =>
  r.report.findings
    .filter((f) => f.revision === revision && !f.acknowledged)
    .map((f) => f.rule)
    .sort();

describe("lint on PostgreSQL's offline rendering", () => {
  let r: LintProjectPathResult;
  beforeAll(async () => {
    r = await lintProjectPath({ alembicPath: PROJECT, from: ["start"], dialect: "postgresql", command: ALEMBIC, databaseUrl: "postgresql://lint@localhost/lint" });
  });

  it("lints every migration after the start, and one that cannot render does not hide the others", () => {
    expect(r.steps).toEqual(Object.keys(EXPECTED));
    expect(r.report.migrations).toBe(Object.keys(EXPECTED).length);
    const backfill = r.report.findings.find((f) => f.rule === "preview-unavailable");
    expect(backfill?.message).toMatch(/AttributeError/);
    // Migrations after the one that stopped the render were rendered and linted.
    expect(counted(r, "jsonb_bad")).toEqual(["jsonb-operator-on-json"]);
  });

  for (const [revision, rules] of Object.entries(EXPECTED)) {
    it(`${revision}: ${rules.length ? rules.join(", ") : "no finding"}`, () => {
      expect(counted(r, revision)).toEqual([...rules].sort());
    });
  }

  it("has a positive fixture for every rule", () => {
    const seen = new Set(Object.values(EXPECTED).flat());
    expect(LINT_RULE_IDS.filter((id) => !seen.has(id))).toEqual([]);
  });

  it("places findings on the op.* line, with the statement, why, and the safe pattern", () => {
    const drop = r.report.findings.find((f) => f.rule === "drop-table")!;
    expect(drop).toMatchObject({ severity: "error", revision: "drop_table_bad", file: "versions/01_drop_table_bad.py", line: 17, statement: "DROP TABLE audit" });
    expect(drop.message).toMatch(/^Drops table audit\. .*rows are gone/);
    expect(drop.fix).toMatch(/later migration/);
    const index = r.report.findings.find((f) => f.rule === "non-concurrent-index")!;
    expect(index.fix).toMatch(/CONCURRENTLY|concurrently/);
    expect(index.fix).toMatch(/autocommit_block/);
    expect(r.report.findings.find((f) => f.rule === "constraint-without-not-valid")!.fix).toMatch(/NOT VALID.*VALIDATE/);
    expect(r.report.findings.find((f) => f.rule === "row-by-row-backfill")!.line).toBe(19);
    expect(r.report.findings.find((f) => f.rule === "revision-id-too-long")!.line).toBe(10);
  });

  it("lists acknowledged findings with their reason, without counting them", () => {
    const acked = r.report.findings.filter((f) => f.acknowledged);
    expect(acked.map((f) => [f.revision, f.rule, f.acknowledged])).toEqual(
      expect.arrayContaining([
        ["ack_line_ok", "drop-column", "unused since v2, backed up"],
        ["ack_doc_ok", "drop-table", "the reports moved to the warehouse"],
        ["backfill_ok", "irreversible-downgrade", "a backfill has nothing to undo"],
      ]),
    );
    const errors = r.report.findings.filter((f) => f.severity === "error" && !f.acknowledged).length;
    expect(r.report.errors).toBe(errors);
  });
});

describe("rendering one Alembic call per migration", () => {
  it("gives the same findings as the split range render", async () => {
    const options = { alembicPath: PROJECT, from: ["type_change_ok"], to: "constraint_bad", dialect: "postgresql" as const, command: ALEMBIC, databaseUrl: "postgresql://lint@localhost/lint" };
    const [range, perStep] = await Promise.all([lintProjectPath(options), lintProjectPath({ ...options, mode: "per-step" })]);
    expect(perStep.steps).toEqual(["not_null_bad", "not_null_ok", "index_bad", "index_ok", "constraint_bad"]);
    expect(perStep.report.findings).toEqual(range.report.findings);
    expect(perStep.report.findings.map((f) => f.rule)).toEqual(["not-null-without-default", "not-null-without-default", "non-concurrent-index", "constraint-without-not-valid"]);
  }, 60_000);
});

describe("lint on SQLite's offline rendering", () => {
  let r: LintProjectPathResult;
  beforeAll(async () => {
    r = await lintProjectPath({ alembicPath: PROJECT, from: ["start"], dialect: "sqlite", command: ALEMBIC, databaseUrl: "sqlite:///lint-fixture.db" });
  });

  it("marks PostgreSQL-only rules not applicable instead of misfiring", () => {
    const na = r.report.notApplicable.map((n) => n.rule);
    expect(na).toEqual(expect.arrayContaining(["non-concurrent-index", "constraint-without-not-valid", "jsonb-operator-on-json", "syntax-error", "revision-id-too-long"]));
    const fired = new Set(r.report.findings.map((f) => f.rule));
    for (const rule of na) expect(fired.has(rule)).toBe(false);
  });

  it("still finds what SQLite's rendering shows, and the Python rules", () => {
    expect(counted(r, "drop_table_bad")).toEqual(["drop-table"]);
    expect(counted(r, "drop_table_ok")).toEqual([]);
    expect(counted(r, "rename_table_bad")).toEqual(["rename-table"]);
    expect(counted(r, "downgrade_pass_bad")).toEqual(["irreversible-downgrade"]);
    expect(counted(r, "backfill_bad")).toContain("row-by-row-backfill");
  });
});
