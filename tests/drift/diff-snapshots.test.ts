import { describe, expect, it } from "vitest";
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import { normalizeSnapshot } from "@/lib/drift/normalize-snapshot";
import type { SchemaSnapshot, TableSnapshot } from "@/lib/drift/types";

function base(): SchemaSnapshot {
  const users: TableSnapshot = {
    schema: "public",
    name: "users",
    columns: [
      { name: "id", type: "integer", nullable: false, default: null, identity: "always", generated: null },
      { name: "email", type: "character varying(100)", nullable: true, default: null, identity: null, generated: null },
    ],
    indexes: [{ name: "ix_users_email", columns: ["email"], include: [], unique: false, predicate: null, method: "btree" }],
    constraints: [{ name: "users_pkey", kind: "primary", columns: ["id"], definition: "PRIMARY KEY (id)", references: null }],
  };
  return {
    dialect: "postgresql",
    tables: [users],
    views: [{ schema: "public", name: "v_users", materialized: false, definition: "SELECT id FROM users" }],
    sequences: [{ schema: "public", name: "invoice_no", type: "bigint", start: "1", increment: "1", min: "1", max: "9223372036854775807", cycle: false, ownedBy: null }],
    enums: [{ schema: "app", name: "mood", labels: ["happy", "sad"] }],
  };
}

describe("diffSnapshots", () => {
  it("reports nothing for identical schemas", () => {
    expect(diffSnapshots(base(), base())).toEqual([]);
  });

  it("describes every kind of change in one line, with the sides' labels", () => {
    const right = base();
    const users = right.tables[0]!;
    users.columns[0]!.identity = null;
    users.columns[1] = { name: "email", type: "varchar(255)", nullable: false, default: "''::character varying", identity: null, generated: null };
    users.columns.push({ name: "full", type: "text", nullable: true, default: null, identity: null, generated: "(email || 'x')" });
    users.indexes[0] = { name: "ix_users_email", columns: ["lower(email)"], include: [], unique: true, predicate: "(email IS NOT NULL)", method: "hash" };
    right.tables.push({ schema: "audit", name: "log", columns: [], indexes: [], constraints: [] });
    right.views[0]!.definition = "SELECT id, email FROM users";
    right.sequences[0]!.increment = "10";
    right.enums = [];
    const diff = diffSnapshots(base(), right, { left: "baseline", right: "production" });
    expect(diff.map((d) => d.message)).toEqual([
      "table audit.log only on production",
      "users.email: type varchar(100) → varchar(255)",
      "users.email: nullable → NOT NULL",
      "users.email: default none → ''::character varying",
      "column users.full only on production",
      "users.id: identity always → none",
      "index ix_users_email: columns (email) → (lower(email))",
      "index ix_users_email: not unique → unique",
      "index ix_users_email: where none → (email IS NOT NULL)",
      "index ix_users_email: method btree → hash",
      "view v_users differs",
      "enum app.mood only on baseline",
      "sequence invoice_no: increment 1 → 10",
    ]);
    expect(diff.find((d) => d.kind === "view-changed")).toEqual({
      kind: "view-changed",
      object: "view v_users",
      left: "SELECT id FROM users",
      right: "SELECT id, email FROM users",
      message: "view v_users differs",
    });
  });

  it("compares two 500-table schemas quickly", () => {
    const big = (variant: number): SchemaSnapshot => ({
      dialect: "postgresql",
      tables: Array.from({ length: 500 }, (_, i) => ({
        schema: "public",
        name: `t${i}`,
        columns: Array.from({ length: 8 }, (_, c) => ({
          name: `c${c}`,
          type: "integer",
          nullable: c % 2 === 0,
          default: c === 3 && i === 250 && variant ? "1" : null,
          identity: null,
          generated: null,
        })),
        indexes: [{ name: `ix_t${i}_c1`, columns: ["c1"], include: [], unique: false, predicate: null, method: "btree" }],
        constraints: [
          { name: `t${i}_pkey`, kind: "primary" as const, columns: ["c0"], definition: "PRIMARY KEY (c0)", references: null },
          { name: `t${i}_c2_check`, kind: "check" as const, columns: ["c2"], definition: "CHECK (c2 > 0)", references: null },
        ],
      })),
      views: [],
      sequences: [],
      enums: [],
    });
    const [a, b] = [normalizeSnapshot(big(0)), normalizeSnapshot(big(1))];
    const started = performance.now();
    const diff = diffSnapshots(a, b);
    const elapsed = performance.now() - started;
    expect(diff.map((d) => d.message)).toEqual(["t250.c3: default none → 1"]);
    // The target is 50 ms; the bound is loose because CI machines are shared.
    expect(elapsed).toBeLessThan(200);
  });
});
