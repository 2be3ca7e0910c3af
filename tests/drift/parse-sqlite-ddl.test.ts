import { describe, expect, it } from "vitest";
import { renderSql, tokenizeSql } from "@/lib/drift/tokenize-sql";
import { parseCreateIndex, parseCreateTable, parseCreateView } from "@/lib/drift/parse-sqlite-ddl";

describe("tokenizeSql / renderSql", () => {
  it("handles quotes, comments and brackets, and renders one spelling", () => {
    const sql = `check ( "phase" in ('it''s, fine', 'b)') /* note, (x */ and [id] >= 1 -- trailing ) comment\n)`;
    expect(tokenizeSql(sql).map((t) => t.kind)).toEqual(["word", "punct", "ident", "word", "punct", "string", "punct", "string", "punct", "word", "ident", "op", "number", "punct"]);
    expect(renderSql(tokenizeSql(sql))).toBe(`CHECK (phase IN ('it''s, fine', 'b)') AND id >= 1)`);
    expect(renderSql(tokenizeSql(`length( "select" )||x`))).toBe(`length("select") || x`);
  });
});

describe("parseCreateTable", () => {
  it("finds named and unnamed checks, generated expressions and constraint names", () => {
    const sql = `CREATE TABLE "t" (
      id INTEGER CONSTRAINT pk_t PRIMARY KEY,
      a TEXT CHECK (a <> ',') DEFAULT ('x,y'),
      b INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL,
      c INTEGER REFERENCES other (id) ON DELETE SET NULL CHECK (c > 0),
      CONSTRAINT uq_t_a_c UNIQUE (a, c),
      CONSTRAINT fk_t_c FOREIGN KEY (c) REFERENCES other (id),
      CONSTRAINT ck_t_ab CHECK (a IS NOT NULL OR b > (1 + 2))
    ) STRICT`;
    const p = parseCreateTable(sql, ["id", "a", "b", "c"]);
    expect(p.checks).toEqual([
      { name: null, expression: "a <> ','", columns: ["a"] },
      { name: null, expression: "c > 0", columns: ["c"] },
      { name: "ck_t_ab", expression: "a IS NOT NULL OR b > (1 + 2)", columns: ["a", "b"] },
    ]);
    expect([...p.generated]).toEqual([["b", "id * 2"]]);
    expect([...p.names]).toEqual([
      ["primary:id", "pk_t"],
      ["unique:a,c", "uq_t_a_c"],
      ["foreign:c", "fk_t_c"],
    ]);
  });

  it("copes with CREATE TABLE … AS SELECT", () => {
    expect(parseCreateTable("CREATE TABLE t AS SELECT 1 AS x", ["x"]).checks).toEqual([]);
  });
});

describe("parseCreateIndex / parseCreateView", () => {
  it("reads index terms and the partial predicate", () => {
    expect(parseCreateIndex(`CREATE UNIQUE INDEX ix ON t (lower(name) ASC, "b" DESC, c COLLATE nocase) WHERE deleted_at IS NULL;`)).toEqual({
      columns: ["lower(name)", "b DESC", "c COLLATE nocase"],
      predicate: "deleted_at IS NULL",
    });
  });

  it("reads a view body", () => {
    expect(parseCreateView(`CREATE VIEW v (a, b) AS\n  select x as a, y AS b from t;`)).toBe("SELECT x AS a, y AS b FROM t");
  });
});
