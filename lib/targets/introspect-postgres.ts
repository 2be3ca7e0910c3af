import "server-only";
/**
 * Reads a PostgreSQL schema through pg_catalog (information_schema is slow and hides what a role
 * cannot select). The caller opens the connection and owns its timeout; this runs one read-only
 * transaction on it, so do not call it inside a transaction of your own.
 */
import type pg from "pg";
import { AppError } from "@/lib/errors";
import type { ColumnSnapshot, ConstraintSnapshot, EnumSnapshot, IndexSnapshot, SchemaSnapshot, SequenceSnapshot, TableSnapshot, ViewSnapshot } from "@/lib/drift/types";

export interface IntrospectPostgresOptions {
  /** Schemas to read; default: every schema of the database that is not a system or extension schema. */
  schemas?: string[];
  /** Alembic's version table, left out of the snapshot. */
  versionTable: string;
  /** Its schema; null/undefined means the connection's default schema, as Alembic does. */
  versionTableSchema?: string | null;
}

const NOT_EXTENSION_MEMBER = (classCatalog: string, oidExpr: string) => `NOT EXISTS (SELECT 1 FROM pg_depend dx WHERE dx.classid = '${classCatalog}'::regclass AND dx.objid = ${oidExpr} AND dx.deptype = 'e')`;

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function qualified(schema: string, name: string): string {
  return schema === "public" ? name : `${schema}.${name}`;
}

/** The catalog is readable by everyone unless an administrator revoked it: say which table and how to grant it. */
function catalogError(e: unknown, role: string): never {
  const err = e as { code?: string; message?: string };
  if (err?.code === "42501") {
    const m = /permission denied for (?:table|relation|view|sequence|function|schema) (\S+)/.exec(err.message ?? "");
    const object = m?.[1] ?? "a system catalog";
    const grant = m?.[1] && !m[1].includes(".") ? `GRANT SELECT ON pg_catalog.${m[1]} TO ${quoteIdent(role)};` : null;
    throw new AppError(
      "forbidden",
      `introspection denied: ${err.message}`,
      `The role ${quoteIdent(role)} may not read ${object}, which Cairn needs to read the schema.` + (grant ? ` Ask an administrator to run: ${grant}` : " Ask an administrator to grant it read access to pg_catalog."),
    );
  }
  throw e;
}

export async function introspectPostgres(client: pg.ClientBase, opts: IntrospectPostgresOptions): Promise<SchemaSnapshot> {
  // Resolve the defaults in the caller's session before we pin search_path.
  const who = await client.query<{ role: string; schema: string | null }>("SELECT current_user::text AS role, current_schema()::text AS schema");
  const role = who.rows[0]!.role;
  const versionSchema = opts.versionTableSchema ?? who.rows[0]!.schema ?? "public";

  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    // Deparsed expressions and format_type qualify names by search_path; pin it so every environment
    // prints the same text: public objects unqualified, other schemas qualified.
    await client.query("SET LOCAL search_path = pg_catalog, public");
    return await readSnapshot(client, opts, role, versionSchema);
  } catch (e) {
    if (e instanceof AppError) throw e;
    return catalogError(e, role);
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
  }
}

async function readSnapshot(client: pg.ClientBase, opts: IntrospectPostgresOptions, role: string, versionSchema: string): Promise<SchemaSnapshot> {
  const nsRows = (
    await client.query<{ oid: number; name: string; usable: boolean }>(
      `SELECT n.oid::int AS oid, n.nspname::text AS name, has_schema_privilege(n.oid, 'USAGE') AS usable
         FROM pg_namespace n
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
          AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
          AND (${NOT_EXTENSION_MEMBER("pg_namespace", "n.oid")} OR $1::text[] IS NOT NULL)`,
      [opts.schemas ?? null],
    )
  ).rows;

  if (opts.schemas) {
    const missing = opts.schemas.filter((s) => !nsRows.some((r) => r.name === s));
    if (missing.length > 0) {
      throw new AppError("config", `schemas not found: ${missing.join(", ")}`, `Schema ${missing.map((s) => `"${s}"`).join(", ")} does not exist in this database. Check the schema list configured for drift checks.`);
    }
  }

  // Without USAGE the catalog still lists a schema's tables, but Alembic (and this role) cannot use
  // them: a snapshot that silently skipped them would report drift that is not there.
  const unusable = nsRows.filter((r) => !r.usable);
  if (unusable.length > 0) {
    const rels = (
      await client.query<{ schema: string; name: string }>(
        `SELECT n.nspname::text AS schema, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relnamespace = ANY($1::oid[]) AND c.relkind IN ('r','p','v','m') ORDER BY 1, 2`,
        [unusable.map((r) => r.oid)],
      )
    ).rows;
    if (rels.length > 0) {
      const schemas = [...new Set(rels.map((r) => r.schema))];
      const sample = rels
        .slice(0, 5)
        .map((r) => `${r.schema}.${r.name}`)
        .join(", ");
      throw new AppError(
        "forbidden",
        `role lacks USAGE on schemas ${schemas.join(", ")}`,
        `The role ${quoteIdent(role)} lacks the USAGE privilege on schema ${schemas.map(quoteIdent).join(", ")}, which holds ` +
          `${rels.length} table${rels.length === 1 ? "" : "s"} (${sample}${rels.length > 5 ? ", …" : ""}). ` +
          `Grant it with: ${schemas.map((s) => `GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${quoteIdent(role)};`).join(" ")}`,
      );
    }
  }

  const nsOids = nsRows.map((r) => r.oid);
  if (nsOids.length === 0) return { dialect: "postgresql", tables: [], views: [], sequences: [], enums: [] };

  const relRows = (
    await client.query<{ oid: number; schema: string; name: string; kind: string; viewdef: string | null }>(
      `SELECT c.oid::int AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
              CASE WHEN c.relkind IN ('v','m') THEN pg_get_viewdef(c.oid, true) END AS viewdef
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace = ANY($1::oid[]) AND c.relkind IN ('r','p','v','m')
          AND NOT (n.nspname = $2 AND c.relname = $3)
          AND ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}`,
      [nsOids, versionSchema, opts.versionTable],
    )
  ).rows;

  const tablesByOid = new Map<number, TableSnapshot>();
  const views: ViewSnapshot[] = [];
  for (const r of relRows) {
    if (r.kind === "v" || r.kind === "m") {
      views.push({ schema: r.schema, name: r.name, materialized: r.kind === "m", definition: r.viewdef ?? "" });
    } else {
      tablesByOid.set(r.oid, { schema: r.schema, name: r.name, columns: [], indexes: [], constraints: [] });
    }
  }
  const tableOids = [...tablesByOid.keys()];

  // One statement per object kind, not per table: 500 tables cost five round trips. Sequential, since
  // a pg client runs one query at a time anyway.
  const columns = await client.query<{ rel: number; name: string; type: string; nullable: boolean; def: string | null; identity: string; generated: string }>(
    `SELECT a.attrelid::int AS rel, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
              NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS def,
              a.attidentity::text AS identity, a.attgenerated::text AS generated
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum`,
    [tableOids],
  );
  const indexes = await client.query<{ rel: number; name: string; unique: boolean; method: string; nkey: number; predicate: string | null; cols: string[]; options: string }>(
    `SELECT i.indrelid::int AS rel, ic.relname::text AS name, i.indisunique AS unique, am.amname::text AS method,
              i.indnkeyatts::int AS nkey, pg_get_expr(i.indpred, i.indrelid) AS predicate,
              array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) AS k ORDER BY k) AS cols,
              i.indoption::text AS options
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
        WHERE i.indrelid = ANY($1::oid[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p','u','x'))`,
    [tableOids],
  );
  const constraints = await client.query<{ rel: number; name: string; type: string; def: string; cols: string[]; refschema: string | null; reftable: string | null }>(
    `SELECT con.conrelid::int AS rel, con.conname::text AS name, con.contype::text AS type, pg_get_constraintdef(con.oid, true) AS def,
              array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
              fn.nspname::text AS refschema, fc.relname::text AS reftable
         FROM pg_constraint con
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p','f','u','c','x')`,
    [tableOids],
  );
  const sequences = await client.query<{
    schema: string;
    name: string;
    type: string;
    start: string;
    inc: string;
    min: string;
    max: string;
    cycle: boolean;
    owner_schema: string | null;
    owner_table: string | null;
    owner_column: string | null;
    deptype: string | null;
  }>(
    `SELECT n.nspname::text AS schema, c.relname::text AS name, format_type(s.seqtypid, NULL) AS type,
              s.seqstart::text AS start, s.seqincrement::text AS inc, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcycle AS cycle,
              o.owner_schema, o.owner_table, o.owner_column, o.deptype
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN LATERAL (
           SELECT tn.nspname::text AS owner_schema, tc.relname::text AS owner_table, a.attname::text AS owner_column, d.deptype::text AS deptype
             FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a','i')
            LIMIT 1) o ON true
        WHERE c.relnamespace = ANY($1::oid[]) AND ${NOT_EXTENSION_MEMBER("pg_class", "c.oid")}`,
    [nsOids],
  );
  const enums = await client.query<{ schema: string; name: string; labels: string[] }>(
    `SELECT n.nspname::text AS schema, t.typname::text AS name,
              array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'e' AND t.typnamespace = ANY($1::oid[]) AND ${NOT_EXTENSION_MEMBER("pg_type", "t.oid")}`,
    [nsOids],
  );

  for (const c of columns.rows) {
    const t = tablesByOid.get(c.rel);
    if (!t) continue;
    const col: ColumnSnapshot = {
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      default: c.generated === "s" ? null : c.def,
      identity: c.identity === "a" ? "always" : c.identity === "d" ? "by default" : null,
      generated: c.generated === "s" ? c.def : null,
    };
    t.columns.push(col);
  }

  for (const i of indexes.rows) {
    const t = tablesByOid.get(i.rel);
    if (!t) continue;
    const options = i.options.trim() === "" ? [] : i.options.trim().split(/\s+/).map(Number);
    const keyCols = i.cols.slice(0, i.nkey).map((c, k) => c + orderSuffix(options[k] ?? 0));
    const idx: IndexSnapshot = {
      name: i.name,
      columns: keyCols,
      include: i.cols.slice(i.nkey),
      unique: i.unique,
      predicate: i.predicate,
      method: i.method,
    };
    t.indexes.push(idx);
  }

  const KIND = { p: "primary", f: "foreign", u: "unique", c: "check", x: "exclusion" } as const;
  for (const c of constraints.rows) {
    const t = tablesByOid.get(c.rel);
    if (!t) continue;
    const con: ConstraintSnapshot = {
      name: c.name,
      kind: KIND[c.type as keyof typeof KIND],
      columns: c.cols,
      definition: c.def,
      references: c.reftable !== null && c.refschema !== null ? qualified(c.refschema, c.reftable) : null,
    };
    t.constraints.push(con);
  }

  const seqs: SequenceSnapshot[] = [];
  for (const s of sequences.rows) {
    // Identity sequences are the column's business (its `identity` says so).
    if (s.deptype === "i") continue;
    seqs.push({
      schema: s.schema,
      name: s.name,
      type: s.type,
      start: s.start,
      increment: s.inc,
      min: s.min,
      max: s.max,
      cycle: s.cycle,
      ownedBy: s.owner_table !== null && s.owner_schema !== null ? `${qualified(s.owner_schema, s.owner_table)}.${s.owner_column}` : null,
    });
  }

  const enumList: EnumSnapshot[] = enums.rows.map((e) => ({ schema: e.schema, name: e.name, labels: e.labels }));

  return { dialect: "postgresql", tables: [...tablesByOid.values()], views, sequences: seqs, enums: enumList };
}

/** pg_index.indoption bits: 1 = DESC, 2 = NULLS FIRST. Spell only what differs from the default. */
function orderSuffix(option: number): string {
  const desc = (option & 1) !== 0;
  const nullsFirst = (option & 2) !== 0;
  if (desc) return nullsFirst ? " DESC" : " DESC NULLS LAST";
  return nullsFirst ? " NULLS FIRST" : "";
}
