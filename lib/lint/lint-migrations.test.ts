import { beforeAll, describe, expect, it } from "vitest";
import { lintMigrations } from "@/lib/lint/lint-migrations";
import { loadSqlParser, parseStatements } from "@/lib/lint/parse-sql";
import type { SchemaSnapshot } from "@/lib/drift/types";
import type { LintInput, LintMigration } from "@/lib/lint/types";

beforeAll(async () => {
  await loadSqlParser();
});

const py = (body: string, extra = "") =>
  `"""Doc.${extra}"""\nrevision = "r"\n\n\ndef upgrade():\n${body
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n")}\n\n\ndef downgrade():\n    op.drop_table("x")\n`;
const mig = (revision: string, sql: string, source: string | null = py("op.execute('x')")): LintMigration => ({ revision, file: `versions/${revision}.py`, source, rendered: { ok: true, sql } });
const rules = (input: LintInput) =>
  lintMigrations(input)
    .findings.filter((f) => !f.acknowledged)
    .map((f) => `${f.revision}:${f.rule}`);

const schema: SchemaSnapshot = {
  dialect: "postgresql",
  tables: [
    {
      schema: "public",
      name: "events",
      columns: [
        { name: "id", type: "integer", nullable: false, default: null, identity: null, generated: null },
        { name: "payload", type: "json", nullable: true, default: null, identity: null, generated: null },
        { name: "data", type: "jsonb", nullable: true, default: null, identity: null, generated: null },
      ],
      indexes: [{ name: "ix_events_data", columns: ["data"], include: [], unique: false, predicate: null, method: "gin" }],
      constraints: [],
    },
  ],
  views: [],
  sequences: [],
  enums: [],
};

describe("lintMigrations", () => {
  it("reads column types from the environment's live schema for the jsonb rule, qualified and aliased", () => {
    const input: LintInput = {
      dialect: "postgresql",
      schema,
      migrations: [
        mig("a", "SELECT e.id FROM events AS e WHERE e.payload @> '{}';"),
        mig("b", "UPDATE events SET id = id WHERE '{}' <@ payload;"),
        mig("c", "DELETE FROM events WHERE data ?| array['a'] OR payload::jsonb ?& array['b'];"),
      ],
    };
    expect(rules(input)).toEqual(["a:jsonb-operator-on-json", "b:jsonb-operator-on-json"]);
  });

  it("treats tables created earlier on the path as new: no locking rule fires on them", () => {
    const input: LintInput = {
      dialect: "postgresql",
      migrations: [
        mig("a", "CREATE TABLE t (id INT);"),
        mig("b", "CREATE INDEX ix_t ON t (id); ALTER TABLE t ADD COLUMN c INT NOT NULL; ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);"),
        mig("c", "DROP INDEX ix_t; ALTER TABLE t RENAME TO u; DROP TABLE u;"),
        mig("d", "DROP INDEX ix_events_data; CREATE INDEX ix2 ON events (id);"),
      ],
      schema,
    };
    expect(rules(input)).toEqual(["d:non-concurrent-index", "d:non-concurrent-index"]);
  });

  it("sees SQLite batch mode's copy renamed over the original as a table recreate", () => {
    const sql = [
      "CREATE TABLE _alembic_tmp_orders (id INTEGER NOT NULL, status VARCHAR(50), PRIMARY KEY (id));",
      "INSERT INTO _alembic_tmp_orders (id, status) SELECT orders.id, CAST(orders.status AS VARCHAR(50)) AS anon_1 FROM orders;",
      "DROP TABLE orders;",
      "ALTER TABLE _alembic_tmp_orders RENAME TO orders;",
    ].join("\n");
    const source = py('with op.batch_alter_table("orders") as batch_op:\n    batch_op.alter_column("status", type_=sa.String(50))');
    const report = lintMigrations({ dialect: "sqlite", migrations: [mig("a", sql, source)] });
    expect(report.findings.map((f) => [f.rule, f.line])).toEqual([["table-recreate", 6]]);
  });

  it("reports MySQL's SQL rules as not applicable (and says why) but still checks the Python and the id", () => {
    const report = lintMigrations({ dialect: "mysql", migrations: [mig("a_very_long_revision_identifier_of_40_chars", "DROP TABLE t;", py("op.drop_table('t')").replace('op.drop_table("x")', "pass"))] });
    expect(report.findings.map((f) => f.rule).sort()).toEqual(["irreversible-downgrade", "revision-id-too-long"]);
    const na = report.notApplicable.find((n) => n.rule === "drop-table");
    expect(na?.reason).toMatch(/MySQL's SQL is not parsed/);
  });

  it("needs a reason for an acknowledgement, and takes one on the line above the call", () => {
    const noReason = py('op.drop_table("t")  # cairn: allow drop-table');
    const above = py('# cairn: allow drop-table — archived in S3 first\nop.drop_table("t")');
    const a = lintMigrations({ dialect: "postgresql", migrations: [mig("a", "DROP TABLE t;", noReason)] });
    expect(a.errors).toBe(1);
    expect(a.findings[0]!.message).toMatch(/gives no reason/);
    const b = lintMigrations({ dialect: "postgresql", migrations: [mig("b", "DROP TABLE t;", above)] });
    expect(b.errors).toBe(0);
    expect(b.findings[0]!.acknowledged).toBe("archived in S3 first");
  });

  it("does not call a merge's empty downgrade irreversible: it undoes an empty upgrade", () => {
    const merge = `revision = "m"\ndown_revision = ("a", "b")\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
    expect(lintMigrations({ dialect: "postgresql", migrations: [mig("m", "", merge)] }).findings).toEqual([]);
    const oneWay = merge.replace("def upgrade():\n    pass", 'def upgrade():\n    op.drop_table("t")');
    expect(lintMigrations({ dialect: "postgresql", migrations: [mig("m", "", oneWay)] }).findings.map((f) => f.rule)).toEqual(["irreversible-downgrade"]);
  });

  it("reports a migration Alembic could not render, and one that is not rendered at all (a merge)", () => {
    const report = lintMigrations({
      dialect: "postgresql",
      migrations: [
        { revision: "a", file: "a.py", source: null, rendered: { ok: false, sql: "DROP TABLE t;", reason: "AttributeError: x" } },
        { revision: "m", file: "m.py", source: null },
      ],
    });
    expect(report.findings.map((f) => `${f.revision}:${f.rule}`)).toEqual(["a:preview-unavailable", "a:drop-table", "m:preview-unavailable"]);
  });

  it("splits by the real lexer when a statement does not parse, keeping non-ASCII text intact", () => {
    const statements = parseStatements("INSERT INTO t VALUES ('é;ü');\nCREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT);\nDROP TABLE y;");
    expect(statements.map((s) => [s.text, !!s.node])).toEqual([
      ["INSERT INTO t VALUES ('é;ü')", true],
      ["CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT)", false],
      ["DROP TABLE y", true],
    ]);
    expect(parseStatements("SELECT 'é'; DROP TABLE z").map((s) => s.text)).toEqual(["SELECT 'é'", "DROP TABLE z"]);
  });
});
