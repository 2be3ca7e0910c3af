import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { introspectPostgres } from "@/lib/targets/introspect-postgres";
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { AppError } from "@/lib/errors";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { createTestDatabase, PG_ADMIN_URL, pgUrl, withClient } from "@/tests/support/databases";
import { PG_SCHEMA, PG_SCHEMA_REORDERED, runSql } from "@/tests/drift/fixtures";

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;
const dbs: TestDb[] = [];

async function database(statements: readonly string[]): Promise<TestDb> {
  const db = await createTestDatabase("cairn_drift");
  dbs.push(db);
  await runSql(db.url, statements);
  return db;
}

function snapshot(url: string): Promise<SchemaSnapshot> {
  return withClient(url, (c) => introspectPostgres(c, { versionTable: "alembic_version" }));
}

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe("introspectPostgres", () => {
  let staging: TestDb;
  let reordered: TestDb;
  beforeAll(async () => {
    [staging, reordered] = await Promise.all([database(PG_SCHEMA), database(PG_SCHEMA_REORDERED)]);
  });

  it("reads tables, columns, indexes, constraints, sequences, enums and views, without the version table", async () => {
    const s = await snapshot(staging.url);
    expect(s.tables.map((t) => t.name).sort()).toEqual(["blocks", "notes", "users", "v3_plans"]);
    const blocks = s.tables.find((t) => t.name === "blocks")!;
    expect(blocks.columns.find((c) => c.name === "id")).toEqual({
      name: "id",
      type: "bigint",
      nullable: false,
      default: null,
      identity: "by default",
      generated: null,
    });
    expect(blocks.columns.find((c) => c.name === "created_at")).toMatchObject({ type: "timestamp without time zone", nullable: true, default: "now()" });
    expect(blocks.indexes).toEqual([{ name: "ix_blocks_user_created", columns: ["user_id", "created_at DESC"], include: [], unique: false, predicate: "(body IS NOT NULL)", method: "btree" }]);
    expect(blocks.constraints.find((c) => c.kind === "foreign")).toEqual({
      name: "blocks_user_id_fkey",
      kind: "foreign",
      columns: ["user_id"],
      definition: "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
      references: "users",
    });
    const notes = s.tables.find((t) => t.name === "notes")!;
    expect(notes.indexes.find((i) => i.name === "ix_notes_search_vector")).toMatchObject({ method: "gin", columns: ["search_vector"] });
    expect(notes.indexes.find((i) => i.name === "ix_notes_lower_title")).toMatchObject({ unique: true, columns: ["lower(title)"] });
    const plans = s.tables.find((t) => t.name === "v3_plans")!;
    expect(plans.constraints.find((c) => c.kind === "check")).toMatchObject({ name: "v3_plans_phase_check", columns: ["phase"] });
    expect(s.enums).toEqual([{ schema: "public", name: "mood", labels: ["happy", "sad"] }]);
    expect(s.sequences.map((q) => [q.name, q.ownedBy])).toEqual([["users_id_seq", "users.id"]]);
    expect(s.views.map((v) => v.name)).toEqual(["recent_blocks"]);
    expect(JSON.stringify(s)).not.toContain("alembic_version");
  });

  it("finds no drift between the same schema built in another order, with another version table", async () => {
    const [a, b] = await Promise.all([snapshot(staging.url), snapshot(reordered.url)]);
    expect(diffSnapshots(a, b, { left: "staging", right: "qa" })).toEqual([]);
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
  });

  it("finds each hand-made change and describes it exactly", async () => {
    const qa = await database([
      ...PG_SCHEMA,
      `ALTER TABLE blocks ALTER COLUMN created_at SET NOT NULL`,
      `DROP INDEX ix_notes_search_vector`,
      `ALTER TABLE users ALTER COLUMN created_at DROP DEFAULT`,
      `ALTER TABLE v3_plans DROP CONSTRAINT v3_plans_phase_check`,
      `ALTER TABLE v3_plans ADD CONSTRAINT v3_plans_phase_check CHECK (phase IN ('draft', 'live', 'archived'))`,
      `CREATE TABLE audit_log (id int, at timestamptz)`,
      `ALTER TYPE mood ADD VALUE 'meh'`,
      `ALTER TABLE users ALTER COLUMN email TYPE varchar(255)`,
      `UPDATE alembic_version SET version_num = 'ffff00'`,
    ]);
    const [left, right] = await Promise.all([snapshot(staging.url), snapshot(qa.url)]);
    const diff = diffSnapshots(left, right, { left: "staging", right: "qa" });
    expect(diff.map((d) => d.message)).toEqual([
      "table audit_log only on qa",
      "blocks.created_at: nullable → NOT NULL",
      "index ix_notes_search_vector only on staging",
      "users.created_at: default now() → none",
      "users.email: type varchar(100) → varchar(255)",
      "check constraint v3_plans_phase_check differs",
      "enum mood: labels (happy, sad) → (happy, sad, meh)",
    ]);
    expect(diff.find((d) => d.kind === "constraint-changed")).toEqual({
      kind: "constraint-changed",
      object: "check constraint v3_plans_phase_check",
      left: "CHECK (phase = ANY (ARRAY['draft'::text, 'live'::text]))",
      right: "CHECK (phase = ANY (ARRAY['draft'::text, 'live'::text, 'archived'::text]))",
      message: "check constraint v3_plans_phase_check differs",
    });
    expect(diff.find((d) => d.kind === "index-only")).toEqual({
      kind: "index-only",
      object: "index ix_notes_search_vector",
      left: "gin (search_vector)",
      message: "index ix_notes_search_vector only on staging",
    });
    expect(fingerprintSnapshot(left)).not.toBe(fingerprintSnapshot(right));
  });

  it("keeps chosen names: a renamed constraint or index is drift, a generated name is not", async () => {
    const renamed = await database([
      ...PG_SCHEMA,
      `ALTER INDEX ix_blocks_user_created RENAME TO ix_blocks_by_user`,
      // users_pkey → a generated-looking name from another table name: noise, ignored.
      `ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pkey1`,
    ]);
    const diff = diffSnapshots(await snapshot(staging.url), await snapshot(renamed.url), { left: "staging", right: "qa" });
    expect(diff.map((d) => d.message)).toEqual(["index ix_blocks_by_user only on qa", "index ix_blocks_user_created only on staging"]);
  });

  it("reads only the schemas asked for, leaves out a version table in another schema", async () => {
    const db = await database([
      `CREATE SCHEMA app`,
      `CREATE TABLE app.things (id int PRIMARY KEY, kind text DEFAULT 'a')`,
      `CREATE TABLE app.alembic_version (version_num varchar(32) PRIMARY KEY)`,
      `CREATE TABLE public.other (id int)`,
    ]);
    const s = await withClient(db.url, (c) => introspectPostgres(c, { schemas: ["app"], versionTable: "alembic_version", versionTableSchema: "app" }));
    expect(s.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(["app.things"]);
    await expect(withClient(db.url, (c) => introspectPostgres(c, { schemas: ["nope"], versionTable: "alembic_version" }))).rejects.toMatchObject({
      code: "config",
      userMessage: expect.stringContaining(`Schema "nope" does not exist`),
    });
  });

  describe("a role without permission", () => {
    const role = `cairn_drift_ro_${randomBytes(3).toString("hex")}`;
    let db: TestDb;
    beforeAll(async () => {
      await runSql(PG_ADMIN_URL, [`CREATE ROLE ${role} LOGIN`]);
      db = await database([...PG_SCHEMA, `CREATE SCHEMA secret`, `CREATE TABLE secret.keys (id int)`, `CREATE TABLE secret.tokens (id int)`, `GRANT USAGE ON SCHEMA public TO ${role}`]);
    });
    afterAll(async () => {
      await db.drop();
      await runSql(PG_ADMIN_URL, [`DROP ROLE IF EXISTS ${role}`]);
    });
    const asRole = () => {
      const u = new URL(pgUrl(db.name));
      u.username = role;
      return u.toString();
    };

    it("is told which schema it cannot use and how to grant it", async () => {
      const err = await withClient(asRole(), (c) => introspectPostgres(c, { versionTable: "alembic_version" })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("forbidden");
      expect((err as AppError).userMessage).toBe(`The role ${role} lacks the USAGE privilege on schema secret, which holds 2 tables (secret.keys, secret.tokens). ` + `Grant it with: GRANT USAGE ON SCHEMA secret TO ${role};`);
      // Following the advice works, and the role sees the same schema the owner does.
      await runSql(db.url, [`GRANT USAGE ON SCHEMA secret TO ${role}`]);
      const [asOwner, asReader] = [await snapshot(db.url), await snapshot(asRole())];
      expect(asReader.tables.some((t) => t.schema === "secret" && t.name === "keys")).toBe(true);
      expect(diffSnapshots(asOwner, asReader)).toEqual([]);
    });

    it("is told which catalog it cannot read when an administrator revoked it", async () => {
      await runSql(db.url, [`REVOKE SELECT ON pg_catalog.pg_attribute FROM PUBLIC`]);
      try {
        const err = await withClient(asRole(), (c) => introspectPostgres(c, { versionTable: "alembic_version" })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).userMessage).toBe(`The role ${role} may not read pg_attribute, which Cairn needs to read the schema. ` + `Ask an administrator to run: GRANT SELECT ON pg_catalog.pg_attribute TO ${role};`);
      } finally {
        await runSql(db.url, [`GRANT SELECT ON pg_catalog.pg_attribute TO PUBLIC`]);
      }
    });
  });

  it("leaves the connection usable and outside a transaction", async () => {
    await withClient(staging.url, async (c) => {
      await introspectPostgres(c, { versionTable: "alembic_version" });
      const r = await c.query<{ sp: string; ro: string }>("SELECT current_setting('search_path') AS sp, current_setting('transaction_read_only') AS ro");
      expect(r.rows[0]).toEqual({ sp: '"$user", public', ro: "off" });
    });
  });
});
