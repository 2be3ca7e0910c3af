import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { introspectSqlite } from "@/lib/targets/introspect-sqlite";
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { AppError } from "@/lib/errors";
import type { SchemaSnapshot } from "@/lib/drift/types";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-drift-sqlite-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
/** Builds a real SQLite file from statements and returns its snapshot. */
function build(statements: readonly string[]): SchemaSnapshot {
  const file = path.join(tmp, `db${counter++}.sqlite`);
  const db = new Database(file);
  try {
    for (const s of statements) db.exec(s);
  } finally {
    db.close();
  }
  const ro = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return introspectSqlite(ro, { versionTable: "alembic_version" });
  } finally {
    ro.close();
  }
}

const USERS = `CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, created_at DATETIME DEFAULT CURRENT_TIMESTAMP)`;
const BLOCKS = `CREATE TABLE blocks (
  id INTEGER NOT NULL PRIMARY KEY,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  body TEXT, -- free text
  created_at DATETIME,
  size INTEGER GENERATED ALWAYS AS (length(body)) STORED
)`;
const PLANS = `CREATE TABLE v3_plans (id INTEGER PRIMARY KEY, phase VARCHAR(8) NOT NULL, CONSTRAINT ck_v3_plans_phase CHECK (phase IN ('draft', 'live')), CHECK (id > 0))`;
const NOTES = `CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, search_vector TEXT)`;
const SCHEMA = [
  USERS,
  BLOCKS,
  PLANS,
  NOTES,
  `CREATE INDEX ix_notes_search_vector ON notes (search_vector)`,
  `CREATE INDEX ix_blocks_user_created ON blocks (user_id, created_at DESC) WHERE body IS NOT NULL`,
  `CREATE UNIQUE INDEX ix_notes_lower_title ON notes (lower(title))`,
  `CREATE VIEW recent_blocks AS SELECT id, body FROM blocks WHERE created_at > datetime('now', '-1 day')`,
  `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))`,
  `INSERT INTO alembic_version VALUES ('3f2a9c')`,
];

describe("introspectSqlite", () => {
  it("reads columns, keys, checks, generated columns, indexes and views, without the version table", () => {
    const s = build(SCHEMA);
    expect(s.tables.map((t) => t.name).sort()).toEqual(["blocks", "notes", "users", "v3_plans"]);
    const blocks = s.tables.find((t) => t.name === "blocks")!;
    expect(blocks.columns.find((c) => c.name === "size")).toEqual({
      name: "size",
      type: "INTEGER",
      nullable: true,
      default: null,
      identity: null,
      generated: "length(body)",
    });
    expect(blocks.constraints.find((c) => c.kind === "foreign")).toEqual({
      name: null,
      kind: "foreign",
      columns: ["user_id"],
      definition: "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
      references: "users",
    });
    expect(blocks.indexes).toEqual([{ name: "ix_blocks_user_created", columns: ["user_id", "created_at DESC"], include: [], unique: false, predicate: "body IS NOT NULL", method: null }]);
    const plans = s.tables.find((t) => t.name === "v3_plans")!;
    expect(plans.constraints.filter((c) => c.kind === "check")).toEqual([
      { name: "ck_v3_plans_phase", kind: "check", columns: ["phase"], definition: "CHECK (phase IN ('draft', 'live'))", references: null },
      { name: null, kind: "check", columns: ["id"], definition: "CHECK (id > 0)", references: null },
    ]);
    const users = s.tables.find((t) => t.name === "users")!;
    expect(users.constraints.find((c) => c.kind === "unique")).toMatchObject({ columns: ["email"] });
    expect(s.tables.find((t) => t.name === "notes")!.indexes.find((i) => i.name === "ix_notes_lower_title")).toMatchObject({
      unique: true,
      columns: ["lower(title)"],
    });
    expect(s.views).toEqual([{ schema: null, name: "recent_blocks", materialized: false, definition: "SELECT id, body FROM blocks WHERE created_at > datetime('now', '-1 day')" }]);
    expect(JSON.stringify(s)).not.toMatch(/alembic_version|sqlite_sequence/);
  });

  it("finds no drift when the same schema is written in another order, case and spacing", () => {
    const a = build(SCHEMA);
    const b = build([
      `create table notes ( id integer primary key , title text,search_vector text )`,
      `CREATE TABLE "v3_plans" (phase varchar(8) NOT NULL, id INTEGER PRIMARY KEY, CHECK ( id>0 ), constraint "ck_v3_plans_phase" check (phase in ('draft','live')))`,
      `CREATE UNIQUE INDEX ix_notes_lower_title ON notes (LOWER(title) ASC)`.replace("LOWER", "lower"),
      `create index ix_notes_search_vector on notes(search_vector)`,
      `CREATE TABLE users (email varchar(100) not null unique, created_at datetime default current_timestamp, id integer primary key autoincrement)`,
      `CREATE TABLE blocks (body TEXT, id INTEGER NOT NULL PRIMARY KEY, created_at DATETIME, user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
         size INTEGER AS ( length( body ) ) STORED)`,
      `CREATE INDEX ix_blocks_user_created ON blocks (user_id, created_at DESC) WHERE body is not null`,
      `CREATE VIEW recent_blocks AS
         SELECT id, body
           FROM blocks
          WHERE created_at > datetime('now', '-1 day');`,
      `CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL)`,
      `INSERT INTO users (email) VALUES ('a@example.com')`,
    ]);
    expect(diffSnapshots(a, b, { left: "staging", right: "qa" })).toEqual([]);
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
  });

  it("finds each hand-made change and describes it exactly", () => {
    const staging = build(SCHEMA);
    const qa = build([
      // The table rebuilt by hand: created_at made NOT NULL, its default dropped, email widened.
      `CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, created_at DATETIME NOT NULL)`,
      BLOCKS,
      `CREATE TABLE v3_plans (id INTEGER PRIMARY KEY, phase VARCHAR(8) NOT NULL, CONSTRAINT ck_v3_plans_phase CHECK (phase IN ('draft', 'live', 'archived')), CHECK (id >= 0))`,
      NOTES,
      `CREATE INDEX ix_blocks_user_created ON blocks (user_id, created_at DESC) WHERE body IS NOT NULL`,
      `CREATE UNIQUE INDEX ix_notes_lower_title ON notes (lower(title))`,
      `CREATE VIEW recent_blocks AS SELECT id, body FROM blocks WHERE created_at > datetime('now', '-1 day')`,
      `CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at DATETIME)`,
      `INSERT INTO audit_log (at) VALUES (1)`,
    ]);
    const diff = diffSnapshots(staging, qa, { left: "staging", right: "qa" });
    expect(diff.map((d) => d.message)).toEqual([
      "table audit_log only on qa",
      "index ix_notes_search_vector only on staging",
      "users.created_at: nullable → NOT NULL",
      "users.created_at: default CURRENT_TIMESTAMP → none",
      "users.email: type varchar(100) → varchar(255)",
      "check constraint on v3_plans (id) differs",
      "check constraint ck_v3_plans_phase differs",
    ]);
    expect(diff.find((d) => d.object === "check constraint ck_v3_plans_phase")).toMatchObject({
      left: "CHECK (phase IN ('draft', 'live'))",
      right: "CHECK (phase IN ('draft', 'live', 'archived'))",
    });
  });

  it("says so when the file is not a database", () => {
    const file = path.join(tmp, "not-a-db.sqlite");
    fs.writeFileSync(file, "this is not sqlite, it is a text file that is long enough to have a header".repeat(20));
    const db = new Database(file, { readonly: true });
    try {
      const err = (() => {
        try {
          introspectSqlite(db, { versionTable: "alembic_version" });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).userMessage).toMatch(/not a readable database/);
    } finally {
      db.close();
    }
  });
});
