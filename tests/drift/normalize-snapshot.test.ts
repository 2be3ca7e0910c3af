import { describe, expect, it } from "vitest";
import { canonicalType } from "@/lib/drift/canonical-type";
import { collapseWhitespace, DISPLAY, makeObjectName, normalizeSnapshot } from "@/lib/drift/normalize-snapshot";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import type { SchemaSnapshot, TableSnapshot } from "@/lib/drift/types";

function table(name: string, extra: Partial<TableSnapshot> = {}): TableSnapshot {
  return {
    schema: "public",
    name,
    columns: [
      { name: "id", type: "integer", nullable: false, default: null, identity: null, generated: null },
      { name: "user_id", type: "integer", nullable: true, default: null, identity: null, generated: null },
    ],
    indexes: [],
    constraints: [{ name: `${name}_pkey`, kind: "primary", columns: ["id"], definition: "PRIMARY KEY (id)", references: null }],
    ...extra,
  };
}

function snap(tables: TableSnapshot[]): SchemaSnapshot {
  return { dialect: "postgresql", tables, views: [], sequences: [], enums: [] };
}

describe("canonicalType", () => {
  it.each([
    ["int4", "integer"],
    ["INTEGER", "integer"],
    ["INT", "integer"],
    ["character varying(32)", "varchar(32)"],
    ["VARCHAR (32)", "varchar(32)"],
    ["timestamp with time zone", "timestamptz"],
    ["timestamp(3) without time zone", "timestamp(3)"],
    ["numeric(10, 2)", "numeric(10,2)"],
    ["integer[]", "integer[]"],
    ["_int4", "integer[]"],
    ["double precision", "double precision"],
    ["float8", "double precision"],
    ["bool", "boolean"],
    ["app.mood", "app.mood"],
  ])("%s → %s", (input, expected) => {
    expect(canonicalType(input)).toBe(expected);
  });
});

describe("makeObjectName", () => {
  it("matches PostgreSQL's choice, truncation included", () => {
    expect(makeObjectName("notes", "user_id", "fkey")).toBe("notes_user_id_fkey");
    expect(makeObjectName("users", null, "pkey")).toBe("users_pkey");
    // PostgreSQL: CREATE TABLE <60 x a> (b int UNIQUE) names it aaaa…(57)_b_key.
    expect(makeObjectName("a".repeat(60), "b", "key")).toBe(`${"a".repeat(57)}_b_key`);
    expect(makeObjectName("a".repeat(60), "b".repeat(60), "fkey")).toHaveLength(63);
  });
});

describe("normalizeSnapshot", () => {
  it("is order-independent and ignores generated constraint names", () => {
    const a = snap([table("users"), table("notes")]);
    // Renamed table: its primary key kept the old generated name; columns listed in another order.
    const renamed = table("notes", { constraints: [{ name: "old_notes_pkey", kind: "primary", columns: ["id"], definition: "PRIMARY KEY (id)", references: null }] });
    renamed.columns.reverse();
    const b = snap([renamed, table("users")]);
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
  });

  it("keys generated names structurally and keeps chosen ones", () => {
    const n = normalizeSnapshot(
      snap([
        table("notes", {
          constraints: [
            { name: "notes_pkey", kind: "primary", columns: ["id"], definition: "PRIMARY KEY (id)", references: null },
            { name: "notes_user_id_fkey", kind: "foreign", columns: ["user_id"], definition: "FOREIGN KEY (user_id) REFERENCES users(id)", references: "users" },
            { name: "notes_user_id_fkey1", kind: "foreign", columns: ["user_id"], definition: "FOREIGN KEY (user_id) REFERENCES accounts(id)", references: "accounts" },
            { name: "fk_notes_user_id_users", kind: "foreign", columns: ["user_id"], definition: "FOREIGN KEY (user_id) REFERENCES users(id)", references: "users" },
            { name: "notes_user_id_check", kind: "check", columns: ["user_id"], definition: "CHECK (user_id > 0)", references: null },
            { name: "sqlite_autoindex_notes_1", kind: "unique", columns: ["user_id"], definition: "UNIQUE (user_id)", references: null },
          ],
          indexes: [
            { name: "notes_user_id_idx", columns: ["user_id"], include: [], unique: false, predicate: null, method: "btree" },
            { name: "ix_notes_user_id", columns: ["user_id"], include: [], unique: false, predicate: null, method: "btree" },
          ],
        }),
      ]),
    );
    const t = n.tables[0]!;
    expect(t.constraints.map((c) => [c.key, c[DISPLAY]])).toEqual([
      ["check (user_id)", "notes_user_id_check"],
      ["foreign key (user_id) → accounts", "notes_user_id_fkey1"],
      ["foreign key (user_id) → users", "notes_user_id_fkey"],
      ["name fk_notes_user_id_users", "fk_notes_user_id_users"],
      ["primary key", "notes_pkey"],
      ["unique (user_id)", "on notes (user_id)"],
    ]);
    expect(t.indexes.map((i) => i.key)).toEqual(["index on (user_id)", "name ix_notes_user_id"]);
  });

  it("canonicalises types and expression whitespace; the fingerprint sees them", () => {
    const a = snap([table("users", { columns: [{ name: "email", type: "character varying(32)", nullable: true, default: "( 'x' )", identity: null, generated: null }] })]);
    const b = snap([table("users", { columns: [{ name: "email", type: "varchar(32)", nullable: true, default: "('x')", identity: null, generated: null }] })]);
    const c = snap([table("users", { columns: [{ name: "email", type: "varchar(33)", nullable: true, default: "('x')", identity: null, generated: null }] })]);
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
    expect(fingerprintSnapshot(b)).not.toBe(fingerprintSnapshot(c));
    expect(fingerprintSnapshot(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("collapses whitespace but not inside quotes", () => {
    expect(collapseWhitespace(" SELECT  a ,\n  b  FROM ( t ) WHERE x = 'a  b'")).toBe("SELECT a, b FROM (t) WHERE x = 'a  b'");
  });
});
