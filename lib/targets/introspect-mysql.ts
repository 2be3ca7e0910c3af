import "server-only";
/**
 * Reads a MySQL or MariaDB schema from information_schema into the same snapshot shape as
 * PostgreSQL and SQLite, spelled so that one schema built on MySQL 8 and on MariaDB 10.x
 * fingerprints the same. The caller opens (and closes) the connection and bounds its statements
 * (lib/targets/open-mysql-connection.ts).
 *
 * Where the two servers differ, and what this does about it:
 * - Integer display widths: MariaDB prints `int(11)`, MySQL ≥ 8.0.19 prints `int`. Widths are
 *   dropped, except `tinyint(1)`, which both keep and which is SQLAlchemy's Boolean: it becomes `boolean`.
 * - JSON: MySQL has a `json` type; MariaDB's `json` is an alias for `longtext` plus a column-level
 *   CHECK (json_valid(`col`)) named after the column. That pair is read back as one `json` column.
 * - Defaults (COLUMN_DEFAULT): MariaDB ≥ 10.2.7 prints literals quoted ('abc'), a NULL default as the
 *   text NULL, and expressions as written (current_timestamp()); MySQL prints literals unquoted,
 *   NULL as SQL NULL, and marks expressions with DEFAULT_GENERATED in EXTRA (CURRENT_TIMESTAMP).
 *   Both become MariaDB's spelling: quoted string literals, bare numbers, lower-case calls with ().
 * - CHECK constraints (MariaDB ≥ 10.2.1, MySQL ≥ 8.0.16; older servers parse and ignore them):
 *   information_schema.CHECK_CONSTRAINTS has TABLE_NAME on MariaDB only; on MySQL the table comes
 *   from TABLE_CONSTRAINTS. MySQL wraps the clause in parentheses and writes string literals with a
 *   charset introducer (_utf8mb4\'x\'); MariaDB does neither. Unnamed checks are `<table>_chk_<n>`
 *   on MySQL and `CONSTRAINT_<n>` on MariaDB: both count as generated names.
 * - Functional index parts exist on MySQL ≥ 8.0.13 only (STATISTICS.EXPRESSION); MariaDB has no
 *   such column, so the statistics are read with SELECT *.
 * - MariaDB SEQUENCE objects (TABLE_TYPE 'SEQUENCE', 10.3+) are not read; AUTO_INCREMENT columns
 *   are reported as identity "by default" (the value is generated unless one is given).
 *
 * Tables of the connection's own database get schema null, so qa_shop and prod_shop compare equal;
 * a table in another database (the `schemas` option) keeps its database name.
 */
import type mysql from "mysql2/promise";
import { AppError } from "@/lib/errors";
import { MYSQL_AUTOINDEX_PREFIX } from "@/lib/drift/normalize-snapshot";
import { isScratchDatabaseName, SCRATCH_OWNER_TABLE } from "@/lib/rehearsal/scratch-name";
import type { ColumnSnapshot, ConstraintSnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot, ViewSnapshot } from "@/lib/drift/types";

export interface IntrospectMysqlOptions {
  /** Databases to read; default: the connection's database (the URL's). */
  schemas?: string[];
  /** Alembic's version table, left out of the snapshot. */
  versionTable: string;
  /** The database holding it; null/undefined means the connection's database, as Alembic does. */
  versionTableSchema?: string | null;
}

type Row = mysql.RowDataPacket;

const INTEGER_TYPES = /^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/;
const NUMERIC_DATA_TYPES = new Set(["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "year"]);
/** Both servers' spellings of the timestamp functions a default may call. */
const TIME_FUNCTIONS = /^(current_timestamp|now|localtimestamp|localtime|current_date|curdate|current_time|curtime|utc_timestamp)(\((\d*)\))?$/i;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** `int(11) unsigned` → `int unsigned`; `tinyint(1)` → `boolean`. */
export function mysqlColumnType(columnType: string): string {
  const t = columnType.trim().toLowerCase();
  if (/^tinyint\(1\)$/.test(t)) return "boolean";
  return t.replace(INTEGER_TYPES, "$1");
}

/**
 * An expression as either server prints it, in one spelling: no backticks, no charset introducers,
 * MySQL's escaped quotes unescaped, one redundant outer pair of parentheses dropped.
 */
export function normalizeMysqlExpression(expr: string): string {
  let e = expr.trim().replace(/\\'/g, "'");
  e = e.replace(/_(utf8mb4|utf8mb3|utf8|latin1|binary|ascii)(?=')/gi, "");
  e = e.replace(/`((?:[^`]|``)*)`/g, (_m, name: string) => name.replace(/``/g, "`"));
  while (e.startsWith("(") && e.endsWith(")") && balancedInside(e)) e = e.slice(1, -1).trim();
  return e.replace(/\s+/g, " ");
}

/** True when the first "(" closes at the very end (so the outer pair wraps everything). */
function balancedInside(e: string): boolean {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i]!;
    if (ch === "'") quote = !quote;
    if (quote) continue;
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth === 0 && i < e.length - 1) return false;
  }
  return depth === 0;
}

/** A default in MariaDB's spelling (see the header), or null for none / NULL. */
export function normalizeMysqlDefault(raw: string | null, extra: string, dataType: string, flavor: "mariadb" | "mysql"): string | null {
  let d: string | null;
  if (raw === null) d = null;
  else if (flavor === "mariadb") d = raw === "NULL" ? null : raw;
  else if (/DEFAULT_GENERATED/i.test(extra)) d = raw;
  else if (NUMERIC_DATA_TYPES.has(dataType.toLowerCase()) || /^b'[01]*'$/.test(raw)) d = raw;
  else d = `'${raw.replace(/'/g, "''")}'`;
  if (d !== null && !d.startsWith("'")) {
    const fn = TIME_FUNCTIONS.exec(d);
    d = fn ? `${fn[1]!.toLowerCase() === "now" ? "current_timestamp" : fn[1]!.toLowerCase()}(${fn[3] ?? ""})` : normalizeMysqlExpression(d);
  }
  const onUpdate = /on update ([a-z_]+(?:\(\d*\))?)/i.exec(extra);
  if (onUpdate) {
    const fn = TIME_FUNCTIONS.exec(onUpdate[1]!);
    const spelled = fn ? `${fn[1]!.toLowerCase() === "now" ? "current_timestamp" : fn[1]!.toLowerCase()}(${fn[3] ?? ""})` : onUpdate[1]!.toLowerCase();
    d = `${d ?? "NULL"} on update ${spelled}`;
  }
  return d;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** MySQL names an unnamed unique key or index after its first column (`email`, then `email_2`, …). */
function isColumnNamed(name: string, firstColumn: string | undefined): boolean {
  if (!firstColumn) return false;
  return name === firstColumn || new RegExp(`^${escapeRegExp(firstColumn)}_\\d+$`).test(name);
}

function qualifiedRef(schema: string, table: string, own: string): string {
  return schema === own ? table : `${schema}.${table}`;
}

async function rows(conn: mysql.Connection, sql: string, values: unknown[]): Promise<Row[]> {
  const [r] = await conn.query<Row[]>({ sql, values });
  return r;
}

export async function introspectMysql(conn: mysql.Connection, opts: IntrospectMysqlOptions): Promise<SchemaSnapshot> {
  const [who] = await rows(conn, "SELECT VERSION() AS v, DATABASE() AS db", []);
  const flavor: "mariadb" | "mysql" = /mariadb/i.test(String(who?.v ?? "")) ? "mariadb" : "mysql";
  const own = str(who?.db);
  const schemas = opts.schemas ?? (own ? [own] : []);
  if (schemas.length === 0) {
    throw new AppError("config", "mysql introspection without a database", "The database URL names no database, so Cairn cannot tell which schema to read. Add the database name to the URL (mysql+pymysql://user@host/dbname).");
  }
  const versionSchema = opts.versionTableSchema ?? own;
  const schemaOf = (s: string) => (s === own ? null : s);

  const existing = await rows(conn, "SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)", [schemas]);
  const missing = schemas.filter((s) => !existing.some((r) => r.s === s));
  if (missing.length > 0) {
    throw new AppError(
      "config",
      `databases not found: ${missing.join(", ")}`,
      `Database ${missing.map((s) => `"${s}"`).join(", ")} does not exist on this server (or this user may not see it). Check the schema list configured for drift checks.`,
    );
  }

  const rels = await rows(
    conn,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS type FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW')`,
    [schemas],
  );
  const tables = new Map<string, TableSnapshot>();
  const tableKey = (s: string, t: string) => `${s}\u0000${t}`;
  const viewKeys = new Set<string>();
  for (const r of rels) {
    const s = String(r.s);
    const t = String(r.t);
    if (s === versionSchema && t === opts.versionTable) continue;
    // A rehearsal copy's owner record (lib/rehearsal/scratch-database.ts) is Cairn's, not the schema's.
    if (t === SCRATCH_OWNER_TABLE && isScratchDatabaseName(s)) continue;
    if (r.type === "VIEW") viewKeys.add(tableKey(s, t));
    else tables.set(tableKey(s, t), { schema: schemaOf(s), name: t, columns: [], indexes: [], constraints: [] });
  }

  // One statement per object kind for all tables: 500 tables cost six round trips.
  const columns = await rows(
    conn,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, DATA_TYPE AS dataType,
            IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra, GENERATION_EXPRESSION AS gen
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    [schemas],
  );
  // SELECT *: MySQL ≥ 8.0.13 has EXPRESSION (functional key parts), MariaDB has not.
  const statistics = await rows(conn, `SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, [schemas]);
  const foreignKeys = await rows(
    conn,
    `SELECT k.TABLE_SCHEMA AS s, k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
            k.REFERENCED_TABLE_SCHEMA AS refSchema, k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refCol,
            rc.UPDATE_RULE AS onUpdate, rc.DELETE_RULE AS onDelete
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS rc
         ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.TABLE_NAME = k.TABLE_NAME AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [schemas],
  );
  const checks = await readChecks(conn, schemas, flavor);

  for (const c of columns) {
    const t = tables.get(tableKey(String(c.s), String(c.t)));
    if (!t) continue; // a view's columns
    const extra = String(c.extra ?? "");
    const gen = str(c.gen);
    const generated = gen ? `${normalizeMysqlExpression(gen)}${/STORED/i.test(extra) ? " stored" : " virtual"}` : null;
    const col: ColumnSnapshot = {
      name: String(c.name),
      type: mysqlColumnType(String(c.type)),
      nullable: c.nullable === "YES",
      default: generated ? null : normalizeMysqlDefault(str(c.def), extra, String(c.dataType), flavor),
      identity: /auto_increment/i.test(extra) ? "by default" : null,
      generated,
    };
    t.columns.push(col);
  }

  // Indexes: PRIMARY and unique keys are constraints (MySQL has no other way to spell them); the rest are indexes.
  const byIndex = new Map<string, Row[]>();
  for (const r of statistics) {
    const k = `${tableKey(String(r.TABLE_SCHEMA), String(r.TABLE_NAME))}\u0000${String(r.INDEX_NAME)}`;
    byIndex.set(k, [...(byIndex.get(k) ?? []), r]);
  }
  const fkNamesByTable = new Map<string, Set<string>>();
  for (const f of foreignKeys) {
    const k = tableKey(String(f.s), String(f.t));
    fkNamesByTable.set(k, (fkNamesByTable.get(k) ?? new Set()).add(String(f.name)));
  }
  for (const parts of byIndex.values()) {
    const first = parts[0]!;
    const key = tableKey(String(first.TABLE_SCHEMA), String(first.TABLE_NAME));
    const t = tables.get(key);
    if (!t) continue;
    const name = String(first.INDEX_NAME);
    const cols = parts.map((p) => {
      const expression = str(p.EXPRESSION);
      const base = expression ? `(${normalizeMysqlExpression(expression)})` : `${String(p.COLUMN_NAME)}${p.SUB_PART != null ? `(${String(p.SUB_PART)})` : ""}`;
      return p.COLLATION === "D" ? `${base} DESC` : base;
    });
    const plain = parts.map((p) => str(p.COLUMN_NAME) ?? "expr");
    const unique = Number(first.NON_UNIQUE) === 0;
    if (name === "PRIMARY") {
      t.constraints.push({ name: null, kind: "primary", columns: plain, definition: `PRIMARY KEY (${cols.join(", ")})`, references: null });
    } else if (unique && parts.every((p) => str(p.EXPRESSION) === null)) {
      t.constraints.push({ name: isColumnNamed(name, plain[0]) ? null : name, kind: "unique", columns: plain, definition: `UNIQUE (${cols.join(", ")})`, references: null });
    } else {
      // InnoDB adds an index for a foreign key that has none, named after the constraint or its first column.
      const generated = isColumnNamed(name, plain[0]) || (fkNamesByTable.get(key)?.has(name) ?? false);
      const idx: IndexSnapshot = {
        name: generated ? `${MYSQL_AUTOINDEX_PREFIX}${name}` : name,
        columns: cols,
        include: [],
        unique,
        predicate: null,
        method: String(first.INDEX_TYPE ?? "BTREE").toLowerCase(),
      };
      t.indexes.push(idx);
    }
  }

  const byFk = new Map<string, Row[]>();
  for (const f of foreignKeys) {
    const k = `${tableKey(String(f.s), String(f.t))}\u0000${String(f.name)}`;
    byFk.set(k, [...(byFk.get(k) ?? []), f]);
  }
  for (const parts of byFk.values()) {
    const first = parts[0]!;
    const t = tables.get(tableKey(String(first.s), String(first.t)));
    if (!t) continue;
    const name = String(first.name);
    const ref = qualifiedRef(String(first.refSchema), String(first.refTable), own ?? "");
    // RESTRICT and NO ACTION are the same in InnoDB (checked at once); MariaDB reports RESTRICT, MySQL 8 NO ACTION.
    const rule = (what: string, r: unknown) => (r && !["RESTRICT", "NO ACTION"].includes(String(r)) ? ` ON ${what} ${String(r)}` : "");
    const con: ConstraintSnapshot = {
      name: /_ibfk_\d+$/.test(name) ? null : name,
      kind: "foreign",
      columns: parts.map((p) => String(p.col)),
      definition: `FOREIGN KEY (${parts.map((p) => String(p.col)).join(", ")}) REFERENCES ${ref}(${parts.map((p) => String(p.refCol)).join(", ")})${rule("DELETE", first.onDelete)}${rule("UPDATE", first.onUpdate)}`,
      references: ref,
    };
    t.constraints.push(con);
  }

  for (const c of checks) {
    const t = tables.get(tableKey(c.schema, c.table));
    if (!t) continue;
    const clause = normalizeMysqlExpression(c.clause);
    // MariaDB's json: longtext + CHECK (json_valid(`col`)) named after the column.
    const jsonCol = t.columns.find((col) => col.name === c.name && col.type === "longtext" && clause === `json_valid(${col.name})`);
    if (jsonCol) {
      jsonCol.type = "json";
      continue;
    }
    const mentioned = t.columns.map((col) => col.name).filter((n) => new RegExp(`(^|[^A-Za-z0-9_$])${escapeRegExp(n)}([^A-Za-z0-9_$]|$)`).test(clause));
    const generatedName = /^CONSTRAINT_\d+$/.test(c.name) || /_chk_\d+$/.test(c.name) || (c.columnLevel && c.name === mentioned[0]);
    t.constraints.push({ name: generatedName ? null : c.name, kind: "check", columns: mentioned, definition: `CHECK (${clause})`, references: null });
  }

  const views: ViewSnapshot[] = [];
  if (viewKeys.size > 0) {
    const defs = await rows(conn, "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?)", [schemas]);
    for (const v of defs) {
      const s = String(v.s);
      // Both servers qualify every name with the database: drop it, so qa_shop and prod_shop compare equal.
      const def = String(v.def ?? "")
        .split(`\`${s}\`.`)
        .join("");
      views.push({ schema: schemaOf(s), name: String(v.t), materialized: false, definition: normalizeMysqlExpression(def) });
    }
  }

  return { dialect: "mysql", tables: [...tables.values()], views, sequences: [], enums: [] };
}

interface CheckRow {
  schema: string;
  table: string;
  name: string;
  clause: string;
  columnLevel: boolean;
}

async function readChecks(conn: mysql.Connection, schemas: string[], flavor: "mariadb" | "mysql"): Promise<CheckRow[]> {
  try {
    if (flavor === "mariadb") {
      const r = await rows(conn, "SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)", [schemas]);
      return r.map((c) => ({ schema: String(c.CONSTRAINT_SCHEMA), table: String(c.TABLE_NAME), name: String(c.CONSTRAINT_NAME), clause: String(c.CHECK_CLAUSE), columnLevel: c.LEVEL === "Column" }));
    }
    const r = await rows(
      conn,
      `SELECT tc.CONSTRAINT_SCHEMA AS s, tc.TABLE_NAME AS t, tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
        WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.CONSTRAINT_SCHEMA IN (?)`,
      [schemas],
    );
    return r.map((c) => ({ schema: String(c.s), table: String(c.t), name: String(c.name), clause: String(c.clause), columnLevel: false }));
  } catch (e) {
    // ER_UNKNOWN_TABLE: a server older than MySQL 8.0.16 / MariaDB 10.2, which ignores CHECK altogether.
    if ((e as { errno?: number }).errno === 1109) return [];
    throw e;
  }
}
