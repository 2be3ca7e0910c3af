import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSnapshots } from "@/lib/drift/diff-snapshots";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { mysqlColumnType, normalizeMysqlDefault, normalizeMysqlExpression } from "@/lib/targets/introspect-mysql";
import { createMysqlTestDatabase, mysqlUrl, withMysql } from "@/tests/support/mysql-databases";
import { alembic } from "@/tests/environments/support";
import { FIXTURE_DIR } from "@/tests/runner/support";

type TestDb = Awaited<ReturnType<typeof createMysqlTestDatabase>>;
const dbs: TestDb[] = [];

/** What a team's migrations typically leave behind: every object kind information_schema reports. */
const SCHEMA = [
  `CREATE TABLE users (
     id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
     email VARCHAR(200) NOT NULL UNIQUE,
     active BOOL NOT NULL DEFAULT 1,
     nickname VARCHAR(50) DEFAULT 'it''s me',
     created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
     prefs JSON,
     balance DECIMAL(10,2) NOT NULL DEFAULT 0.00,
     CONSTRAINT ck_users_balance CHECK (balance >= 0),
     CHECK (nickname <> 'root'))`,
  `CREATE TABLE blocks (
     id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
     user_id INT NOT NULL,
     body TEXT,
     body_len INT AS (char_length(body)) STORED,
     FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
     INDEX ix_blocks_user_created (user_id, id DESC),
     INDEX ix_blocks_body (body(20)))`,
  `CREATE TABLE tags (block_id BIGINT NOT NULL, tag VARCHAR(30) NOT NULL, CONSTRAINT uq_tags UNIQUE (block_id, tag), CONSTRAINT fk_tags_block FOREIGN KEY (block_id) REFERENCES blocks(id))`,
  `CREATE VIEW recent_blocks AS SELECT id, body FROM blocks WHERE id > 10`,
  `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)`,
  `INSERT INTO alembic_version VALUES ('e5')`,
];

/** The same schema, built in another order and another way (ALTERs instead of inline keys). */
const SCHEMA_REORDERED = [
  `CREATE TABLE users (
     id INT NOT NULL AUTO_INCREMENT,
     created_at TIMESTAMP NOT NULL DEFAULT now() ON UPDATE now(),
     email VARCHAR(200) NOT NULL,
     nickname VARCHAR(50) DEFAULT 'it''s me',
     active TINYINT(1) NOT NULL DEFAULT '1',
     balance DECIMAL(10,2) NOT NULL DEFAULT '0.00',
     prefs JSON,
     PRIMARY KEY (id))`,
  `ALTER TABLE users ADD UNIQUE (email), ADD CONSTRAINT ck_users_balance CHECK (balance >= 0), ADD CHECK (nickname <> 'root')`,
  `CREATE TABLE blocks (id BIGINT NOT NULL AUTO_INCREMENT, body TEXT, user_id INT NOT NULL, body_len INT GENERATED ALWAYS AS (CHAR_LENGTH(body)) STORED, PRIMARY KEY (id))`,
  `CREATE INDEX ix_blocks_body ON blocks (body(20))`,
  `CREATE INDEX ix_blocks_user_created ON blocks (user_id, id DESC)`,
  `ALTER TABLE blocks ADD FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE`,
  `CREATE TABLE tags (tag VARCHAR(30) NOT NULL, block_id BIGINT NOT NULL)`,
  `ALTER TABLE tags ADD CONSTRAINT fk_tags_block FOREIGN KEY (block_id) REFERENCES blocks(id), ADD CONSTRAINT uq_tags UNIQUE (block_id, tag)`,
  `CREATE VIEW recent_blocks AS SELECT id, body FROM blocks WHERE id > 10`,
  `CREATE TABLE cairn_versions (version_num VARCHAR(64) NOT NULL PRIMARY KEY)`,
];

async function database(label: string, statements: readonly string[]): Promise<TestDb> {
  const db = await createMysqlTestDatabase(label);
  dbs.push(db);
  await withMysql(async (c) => {
    for (const sql of statements) await c.query(sql);
  }, db.name);
  return db;
}

async function snapshot(url: string, versionTable = "alembic_version"): Promise<SchemaSnapshot> {
  const r = await readEnvironmentSnapshot({ url, baseDir: "/", versionTable, timeoutMs: 3000 });
  if (!r.ok) throw new Error(r.message);
  return r.snapshot;
}

afterAll(async () => {
  for (const d of dbs) await d.drop();
});

describe("introspectMysql on MariaDB", () => {
  let staging: TestDb;
  let reordered: TestDb;
  beforeAll(async () => {
    staging = await database("drift_staging", SCHEMA);
    reordered = await database("drift_reordered", SCHEMA_REORDERED);
  }, 60_000);

  it("reads tables, columns with types, nullability and defaults, indexes, unique and foreign keys, checks and views, without the version table", async () => {
    const s = await snapshot(staging.url);
    expect(s.dialect).toBe("mysql");
    expect(s.tables.map((t) => t.name).sort()).toEqual(["blocks", "tags", "users"]);
    const users = s.tables.find((t) => t.name === "users")!;
    expect(users.schema).toBeNull();
    const col = (name: string) => users.columns.find((c) => c.name === name);
    expect(col("id")).toEqual({ name: "id", type: "int", nullable: false, default: null, identity: "by default", generated: null });
    expect(col("active")).toMatchObject({ type: "boolean", default: "1" });
    expect(col("nickname")).toMatchObject({ type: "varchar(50)", nullable: true, default: "'it''s me'" });
    expect(col("created_at")).toMatchObject({ type: "timestamp", nullable: false, default: "current_timestamp() on update current_timestamp()" });
    // MariaDB's JSON is longtext + CHECK (json_valid(prefs)): read back as one json column, no check.
    expect(col("prefs")).toMatchObject({ type: "json", nullable: true, default: null });
    expect(col("balance")).toMatchObject({ type: "decimal(10,2)", default: "0.00" });
    expect(users.constraints.map((c) => [c.kind, c.name, c.definition]).sort((x, y) => String(x[2]).localeCompare(String(y[2])))).toEqual([
      ["check", "ck_users_balance", "CHECK (balance >= 0)"],
      ["check", null, "CHECK (nickname <> 'root')"],
      ["primary", null, "PRIMARY KEY (id)"],
      ["unique", null, "UNIQUE (email)"],
    ]);
    const blocks = s.tables.find((t) => t.name === "blocks")!;
    expect(blocks.columns.find((c) => c.name === "body_len")).toMatchObject({ type: "int", default: null, generated: "char_length(body) stored" });
    expect(blocks.indexes.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "ix_blocks_body", columns: ["body(20)"], include: [], unique: false, predicate: null, method: "btree" },
      { name: "ix_blocks_user_created", columns: ["user_id", "id DESC"], include: [], unique: false, predicate: null, method: "btree" },
    ]);
    expect(blocks.constraints.find((c) => c.kind === "foreign")).toEqual({
      name: null,
      kind: "foreign",
      columns: ["user_id"],
      definition: "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
      references: "users",
    });
    const tags = s.tables.find((t) => t.name === "tags")!;
    expect(tags.constraints.find((c) => c.kind === "unique")).toMatchObject({ name: "uq_tags", columns: ["block_id", "tag"] });
    expect(tags.constraints.find((c) => c.kind === "foreign")).toMatchObject({ name: "fk_tags_block", references: "blocks" });
    // uq_tags (block_id, tag) already serves the foreign key: InnoDB added no index of its own.
    expect(tags.indexes).toEqual([]);
    expect(s.views).toEqual([{ schema: null, name: "recent_blocks", materialized: false, definition: "select blocks.id AS id,blocks.body AS body from blocks where blocks.id > 10" }]);
    expect(JSON.stringify(s)).not.toContain("alembic_version");
    expect(JSON.stringify(s)).not.toContain(staging.name);
  });

  it("finds no drift between the same schema built in another order and way, in a database of another name, with another version table", async () => {
    const [a, b] = await Promise.all([snapshot(staging.url), snapshot(reordered.url, "cairn_versions")]);
    expect(diffSnapshots(a, b, { left: "staging", right: "qa" })).toEqual([]);
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
  });

  it("finds each hand-applied change and describes it exactly", async () => {
    const qa = await database("drift_qa", [
      ...SCHEMA,
      `ALTER TABLE blocks MODIFY body TEXT NOT NULL`,
      `DROP INDEX ix_blocks_body ON blocks`,
      `ALTER TABLE users ALTER nickname DROP DEFAULT`,
      `ALTER TABLE users DROP CONSTRAINT ck_users_balance`,
      `ALTER TABLE users ADD CONSTRAINT ck_users_balance CHECK (balance >= -100)`,
      `ALTER TABLE users MODIFY email VARCHAR(255) NOT NULL`,
      `CREATE TABLE audit_log (id INT, at DATETIME)`,
      `UPDATE alembic_version SET version_num = 'ffff00'`,
    ]);
    const [left, right] = await Promise.all([snapshot(staging.url), snapshot(qa.url)]);
    const diff = diffSnapshots(left, right, { left: "staging", right: "qa" });
    expect(diff.map((d) => d.message)).toEqual([
      "table audit_log only on qa",
      "blocks.body: nullable → NOT NULL",
      "index ix_blocks_body only on staging",
      "users.email: type varchar(200) → varchar(255)",
      "users.nickname: default 'it''s me' → none",
      "check constraint ck_users_balance differs",
    ]);
    expect(diff.find((d) => d.kind === "constraint-changed")).toMatchObject({ left: "CHECK (balance >= 0)", right: "CHECK (balance >= -100)" });
    expect(fingerprintSnapshot(left)).not.toBe(fingerprintSnapshot(right));
  }, 30_000);

  it("real Alembic on two databases: equal; a column altered by hand on one is drift", async () => {
    const [a, b] = [await createMysqlTestDatabase("drift_alembic_a"), await createMysqlTestDatabase("drift_alembic_b")];
    dbs.push(a, b);
    for (const d of [a, b]) alembic(FIXTURE_DIR, ["upgrade", "e5"], { url: d.url });
    expect(fingerprintSnapshot(await snapshot(a.url))).toBe(fingerprintSnapshot(await snapshot(mysqlUrl(b.name, "mariadb+pymysql"))));
    await withMysql((c) => c.query("ALTER TABLE orders MODIFY total_cents BIGINT NOT NULL"), b.name);
    const diff = diffSnapshots(await snapshot(a.url), await snapshot(b.url), { left: "a", right: "b" });
    expect(diff.map((d) => d.message)).toEqual(["orders.total_cents: type integer → bigint"]);
  }, 60_000);

  it("an unreachable or unknown database says why, without the password", async () => {
    const r = await readEnvironmentSnapshot({ url: `${mysqlUrl("cairn_test_mysql_nope")}`.replace("root@", "root:s3cret-pw@"), baseDir: "/", versionTable: "alembic_version", timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, reason: "authentication failed" });
    expect(JSON.stringify(r)).not.toContain("s3cret-pw");
    const missing = await readEnvironmentSnapshot({ url: mysqlUrl("cairn_test_mysql_nope"), baseDir: "/", versionTable: "alembic_version", timeoutMs: 2000 });
    expect(missing).toMatchObject({ ok: false, reason: "database does not exist" });
  });
});

describe("MySQL and MariaDB spell the same schema differently; both read back the same (pure)", () => {
  it.each([
    // [what MariaDB 10.11 prints, what MySQL 8 prints]
    ["int(11)", "int"],
    ["bigint(20) unsigned", "bigint unsigned"],
    ["tinyint(1)", "tinyint(1)"],
  ])("type %s = %s", (maria, my) => expect(mysqlColumnType(maria)).toBe(mysqlColumnType(my)));

  it.each([
    // [MariaDB COLUMN_DEFAULT, MySQL COLUMN_DEFAULT, MySQL EXTRA, DATA_TYPE]
    ["'abc'", "abc", "", "varchar"],
    ["'it''s'", "it's", "", "varchar"],
    ["0", "0", "", "int"],
    ["0.00", "0.00", "", "decimal"],
    ["current_timestamp()", "CURRENT_TIMESTAMP", "DEFAULT_GENERATED", "timestamp"],
    ["current_timestamp(6)", "CURRENT_TIMESTAMP(6)", "DEFAULT_GENERATED", "datetime"],
    ["NULL", null, "", "varchar"],
  ])("default %s = %s", (maria, my, extra, type) => {
    expect(normalizeMysqlDefault(maria, "", type, "mariadb")).toBe(normalizeMysqlDefault(my, extra, type, "mysql"));
  });

  it("on update, checks and generated expressions", () => {
    expect(normalizeMysqlDefault("current_timestamp()", "on update current_timestamp()", "timestamp", "mariadb")).toBe(
      normalizeMysqlDefault("CURRENT_TIMESTAMP", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP", "timestamp", "mysql"),
    );
    // MariaDB CHECK_CLAUSE vs MySQL's (parenthesised, charset introducer, escaped quotes).
    expect(normalizeMysqlExpression("`nickname` <> 'root'")).toBe(normalizeMysqlExpression("(`nickname` <> _utf8mb4\\'root\\')"));
    expect(normalizeMysqlExpression("(`a` > 0) and (`b` > 0)")).toBe("(a > 0) and (b > 0)");
  });
});
