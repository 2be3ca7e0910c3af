import "server-only";
/**
 * Reads a SQLite schema through sqlite_master and the pragma table functions; what those do not
 * report (CHECK constraints, generated expressions, constraint names, index expressions) comes from
 * the stored CREATE statements via a tokenizer. The caller opens (and closes) the database.
 */
import type BetterSqlite3 from "better-sqlite3";
import { AppError } from "@/lib/errors";
import { constraintNameKey, parseCreateIndex, parseCreateTable, parseCreateView } from "@/lib/drift/parse-sqlite-ddl";
import { renderSql, tokenizeSql } from "@/lib/drift/tokenize-sql";
import type { ConstraintSnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot, ViewSnapshot } from "@/lib/drift/types";

export interface IntrospectSqliteOptions {
  /** Alembic's version table, left out of the snapshot. */
  versionTable: string;
  /** Ignored: SQLite has one schema per file. Accepted so callers can pass one options shape. */
  versionTableSchema?: string | null;
  schemas?: string[];
}

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

interface ColumnRow {
  tbl: string;
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

interface IndexListRow {
  tbl: string;
  name: string;
  unique: number;
  origin: string;
  partial: number;
}

interface IndexColumnRow {
  idx: string;
  seqno: number;
  name: string | null;
  desc: number;
  key: number;
}

interface ForeignKeyRow {
  tbl: string;
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

function renderExpr(text: string | null): string | null {
  return text === null ? null : renderSql(tokenizeSql(text));
}

export function introspectSqlite(db: BetterSqlite3.Database, opts: IntrospectSqliteOptions): SchemaSnapshot {
  try {
    return readSnapshot(db, opts);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
      throw new AppError("bad-request", `sqlite introspection failed: ${code}`, "The SQLite file is not a readable database (it is corrupt or another kind of file). Check the environment's database path.");
    }
    if (code === "SQLITE_AUTH" || code === "SQLITE_PERM" || code === "SQLITE_CANTOPEN") {
      throw new AppError("forbidden", `sqlite introspection denied: ${code}`, "Cairn may not read this SQLite file. Give the user running Cairn read permission on the file and its directory.");
    }
    throw e;
  }
}

function readSnapshot(db: BetterSqlite3.Database, opts: IntrospectSqliteOptions): SchemaSnapshot {
  const versionTable = opts.versionTable.toLowerCase();
  const skip = (name: string) => name.toLowerCase() === versionTable || name.toLowerCase().startsWith("sqlite_");
  const master = (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'index')").all() as MasterRow[]).filter((r) => !skip(r.type === "index" ? r.tbl_name : r.name));

  const tableNames = master.filter((r) => r.type === "table").map((r) => r.name);
  const tableSql = new Map(master.filter((r) => r.type === "table").map((r) => [r.name, r.sql ?? ""]));
  const indexSql = new Map(master.filter((r) => r.type === "index").map((r) => [r.name, r.sql]));

  // Table-valued pragmas joined to sqlite_master: one statement per kind, however many tables.
  const columns = db
    .prepare(
      `SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
        WHERE m.type = 'table' ORDER BY m.name, p.cid`,
    )
    .all() as ColumnRow[];
  const indexList = db
    .prepare(
      `SELECT m.name AS tbl, il.name, il."unique", il.origin, il.partial
         FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table'`,
    )
    .all() as IndexListRow[];
  const indexColumns = db
    .prepare(
      `SELECT m.name AS idx, x.seqno, x.name, x."desc", x."key"
         FROM sqlite_master m JOIN pragma_index_xinfo(m.name) x
        WHERE m.type = 'index' ORDER BY m.name, x.seqno`,
    )
    .all() as IndexColumnRow[];
  const foreignKeys = db
    .prepare(
      `SELECT m.name AS tbl, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
        WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`,
    )
    .all() as ForeignKeyRow[];

  const wanted = new Set(tableNames);
  const columnsByTable = groupBy(
    columns.filter((c) => wanted.has(c.tbl)),
    (c) => c.tbl,
  );
  const indexesByTable = groupBy(
    indexList.filter((i) => wanted.has(i.tbl)),
    (i) => i.tbl,
  );
  const keyColumnsByIndex = groupBy(
    indexColumns.filter((x) => x.key === 1),
    (x) => x.idx,
  );
  const fksByTable = groupBy(
    foreignKeys.filter((f) => wanted.has(f.tbl)),
    (f) => f.tbl,
  );

  const tables: TableSnapshot[] = tableNames.map((name) => {
    const cols = columnsByTable.get(name) ?? [];
    const parsed = parseCreateTable(
      tableSql.get(name) ?? "",
      cols.map((c) => c.name),
    );
    const nameOf = (kind: "primary" | "unique" | "foreign", columns: string[]) => parsed.names.get(constraintNameKey(kind, columns)) ?? null;
    const constraints: ConstraintSnapshot[] = [];

    const pkCols = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (pkCols.length > 0) {
      constraints.push({ name: nameOf("primary", pkCols), kind: "primary", columns: pkCols, definition: `PRIMARY KEY (${pkCols.join(", ")})`, references: null });
    }

    const indexes: IndexSnapshot[] = [];
    for (const il of indexesByTable.get(name) ?? []) {
      const keyCols = (keyColumnsByIndex.get(il.name) ?? []).map((x) => (x.name ?? "<expression>") + (x.desc ? " DESC" : ""));
      if (il.origin === "pk") continue; // reported as the primary key
      if (il.origin === "u") {
        constraints.push({ name: nameOf("unique", keyCols), kind: "unique", columns: keyCols, definition: `UNIQUE (${keyCols.join(", ")})`, references: null });
        continue;
      }
      const sql = indexSql.get(il.name) ?? null;
      const fromSql = sql ? parseCreateIndex(sql) : null;
      indexes.push({
        name: il.name,
        columns: fromSql?.columns ?? keyCols,
        include: [],
        unique: il.unique === 1,
        predicate: fromSql?.predicate ?? null,
        method: null,
      });
    }

    for (const group of groupBy(fksByTable.get(name) ?? [], (f) => String(f.id)).values()) {
      const from = group.map((f) => f.from);
      const to = group.map((f) => f.to).filter((t): t is string => t !== null);
      const first = group[0]!;
      let definition = `FOREIGN KEY (${from.join(", ")}) REFERENCES ${first.table}${to.length ? `(${to.join(", ")})` : ""}`;
      if (first.on_update && first.on_update !== "NO ACTION") definition += ` ON UPDATE ${first.on_update}`;
      if (first.on_delete && first.on_delete !== "NO ACTION") definition += ` ON DELETE ${first.on_delete}`;
      constraints.push({ name: nameOf("foreign", from), kind: "foreign", columns: from, definition, references: first.table });
    }

    for (const check of parsed.checks) {
      constraints.push({ name: check.name, kind: "check", columns: check.columns, definition: `CHECK (${check.expression})`, references: null });
    }

    return {
      schema: null,
      name,
      // hidden: 0 normal, 1 hidden (virtual tables), 2 generated virtual, 3 generated stored.
      columns: cols
        .filter((c) => c.hidden !== 1)
        .map((c) => ({
          name: c.name,
          type: c.type,
          nullable: c.notnull === 0,
          default: c.hidden >= 2 ? null : renderExpr(c.dflt_value),
          identity: null,
          generated: c.hidden >= 2 ? (parsed.generated.get(c.name) ?? "<expression>") : null,
        })),
      indexes,
      constraints,
    };
  });

  const views: ViewSnapshot[] = master.filter((r) => r.type === "view").map((r) => ({ schema: null, name: r.name, materialized: false, definition: parseCreateView(r.sql ?? "") }));

  return { dialect: "sqlite", tables, views, sequences: [], enums: [] };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
