/**
 * Turns a raw snapshot into an order-independent form: objects sorted by a stable key, types canonical,
 * whitespace in expressions collapsed, and names the database made up (`users_pkey`,
 * `notes_user_id_fkey`, `sqlite_autoindex_notes_1`) replaced by a structural key, so a table renamed
 * or built in another order does not count as drift. Names someone chose are kept: they are the schema.
 */
import { canonicalType } from "@/lib/drift/canonical-type";
import type { ColumnSnapshot, ConstraintKind, ConstraintSnapshot, SchemaSnapshot, TableSnapshot } from "@/lib/drift/types";

/**
 * Where an object's name for messages lives. A symbol key: JSON.stringify skips it, so the fingerprint
 * ignores it without a (slow) replacer function.
 */
export const DISPLAY: unique symbol = Symbol("display");

export interface NormalizedColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  identity: ColumnSnapshot["identity"];
  generated: string | null;
}

export interface NormalizedIndex {
  /** The chosen name, or a structural key when the database generated the name. */
  key: string;
  /** For messages only: the actual name, or a description. Not part of the fingerprint. */
  [DISPLAY]: string;
  columns: string[];
  include: string[];
  unique: boolean;
  predicate: string | null;
  method: string | null;
}

export interface NormalizedConstraint {
  key: string;
  [DISPLAY]: string;
  kind: ConstraintKind;
  columns: string[];
  definition: string;
  references: string | null;
}

export interface NormalizedTable {
  /** "schema.table", with "public." (and SQLite's null schema) left off. */
  key: string;
  columns: NormalizedColumn[];
  indexes: NormalizedIndex[];
  constraints: NormalizedConstraint[];
}

export interface NormalizedView {
  key: string;
  materialized: boolean;
  definition: string;
}

export interface NormalizedSequence {
  key: string;
  [DISPLAY]: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  ownedBy: string | null;
}

export interface NormalizedEnum {
  key: string;
  labels: string[];
}

export interface NormalizedSnapshot {
  dialect: SchemaSnapshot["dialect"];
  tables: NormalizedTable[];
  views: NormalizedView[];
  sequences: NormalizedSequence[];
  enums: NormalizedEnum[];
}

/** PostgreSQL's identifier limit (NAMEDATALEN - 1 bytes). */
const MAX_IDENT = 63;

/** "public" is the default schema; leaving it off keeps messages short. */
export function qualifiedName(schema: string | null, name: string): string {
  return schema === null || schema === "public" ? name : `${schema}.${name}`;
}

/** Collapses runs of whitespace outside quoted strings/identifiers, so reformatting is not drift. */
const NEEDS_COLLAPSE = /\s\s|[\n\t\r]|\( | \)| ,|^\s|\s$/;

export function collapseWhitespace(expr: string): string {
  // Deparsed PostgreSQL text is usually tidy already: skip the copy.
  if (!NEEDS_COLLAPSE.test(expr)) return expr;
  let out = "";
  let quote: string | null = null;
  let pendingSpace = false;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r") {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && out.length > 0) {
      const prev = out[out.length - 1]!;
      // No space just inside brackets or before a comma: "( a , b )" and "(a, b)" are the same.
      if (prev !== "(" && ch !== ")" && ch !== ",") out += " ";
    }
    pendingSpace = false;
    if (ch === "'" || ch === '"') quote = ch;
    out += ch;
  }
  return out;
}

function expr(e: string | null): string | null {
  return e === null ? null : collapseWhitespace(e);
}

const ASCII = /^[\x00-\x7f]*$/;

function byteLength(s: string): number {
  if (ASCII.test(s)) return s.length;
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

function clip(s: string, bytes: number): string {
  if (ASCII.test(s)) return s.slice(0, bytes);
  let out = "";
  let n = 0;
  for (const ch of s) {
    const b = byteLength(ch);
    if (n + b > bytes) break;
    out += ch;
    n += b;
  }
  return out;
}

/** PostgreSQL's makeObjectName: name1_name2_label, shortening name1/name2 to fit 63 bytes. */
export function makeObjectName(name1: string, name2: string | null, label: string): string {
  let overhead = label.length + 1;
  if (name2 !== null) overhead += 1;
  const avail = MAX_IDENT - overhead;
  let n1 = byteLength(name1);
  let n2 = name2 === null ? 0 : byteLength(name2);
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  const a = clip(name1, n1);
  return name2 === null ? `${a}_${label}` : `${a}_${clip(name2, n2)}_${label}`;
}

/**
 * True when `name` is what PostgreSQL would have chosen (including its collision suffixes 1, 2, …),
 * or chose for this object under an earlier table name: a renamed table keeps `old_name_pkey`.
 */
function isPgGenerated(name: string, table: string, name2: string | null, label: string): boolean {
  if (name === makeObjectName(table, name2, label)) return true;
  const m = /^(.*?)(\d*)$/.exec(name)!;
  if (m[2] && name === makeObjectName(table, name2, `${label}${m[2]}`)) return true;
  const suffix = name2 === null ? `_${label}` : `_${name2}_${label}`;
  return m[1]!.endsWith(suffix) && m[1]!.length > suffix.length;
}

function columnsAddition(columns: string[]): string {
  // ChooseIndexNameAddition: column names joined by "_", expressions spelled "expr".
  return columns.map((c) => (/^[A-Za-z_][A-Za-z0-9_$]*( DESC)?( NULLS (FIRST|LAST))?$/.test(c) ? c.split(" ")[0] : "expr")).join("_");
}

const CONSTRAINT_LABEL: Record<ConstraintKind, string> = {
  primary: "primary key",
  foreign: "foreign key",
  unique: "unique",
  check: "check",
  exclusion: "exclude",
};

function constraintIsGenerated(c: ConstraintSnapshot, table: string): boolean {
  if (c.name === null) return true;
  if (c.name.startsWith("sqlite_autoindex_")) return true;
  switch (c.kind) {
    case "primary":
      return isPgGenerated(c.name, table, null, "pkey");
    case "foreign":
      return isPgGenerated(c.name, table, c.columns.join("_"), "fkey");
    case "unique":
      return isPgGenerated(c.name, table, columnsAddition(c.columns), "key");
    case "exclusion":
      return isPgGenerated(c.name, table, columnsAddition(c.columns), "excl");
    case "check":
      return isPgGenerated(c.name, table, c.columns.length === 1 ? c.columns[0]! : null, "check");
  }
}

function structuralConstraintKey(c: ConstraintSnapshot): string {
  const cols = `(${c.columns.join(", ")})`;
  if (c.kind === "primary") return "primary key";
  if (c.kind === "foreign") return `foreign key ${cols} → ${c.references ?? "?"}`;
  return `${CONSTRAINT_LABEL[c.kind]} ${cols}`;
}

function normalizeConstraints(t: TableSnapshot, tableKey: string): NormalizedConstraint[] {
  const out: NormalizedConstraint[] = [];
  const seen = new Map<string, number>();
  for (const c of t.constraints) {
    const generated = constraintIsGenerated(c, t.name);
    let key = generated ? structuralConstraintKey(c) : `name ${c.name}`;
    const definition = expr(c.definition) ?? "";
    // Two unnamed checks on the same column: tell them apart by what they say.
    if (seen.has(key)) key = `${key} ${definition}`;
    seen.set(key, 1);
    const display = generated && (c.name === null || c.name.startsWith("sqlite_autoindex_")) ? `on ${tableKey} (${c.columns.join(", ")})${c.kind === "foreign" ? ` → ${c.references ?? "?"}` : ""}` : c.name!;
    out.push({ key, [DISPLAY]: display, kind: c.kind, columns: c.columns, definition, references: c.references ?? null });
  }
  return out.sort((a, b) => cmp(a.key, b.key));
}

/**
 * Introspection marks an index name MySQL/MariaDB made up (an unnamed key named after its first
 * column, or the index InnoDB adds for a foreign key) with this prefix, as SQLite's own are
 * `sqlite_autoindex_…`: compared by structure, since equal schemas can name them differently.
 */
export const MYSQL_AUTOINDEX_PREFIX = "mysql_autoindex:";

function isAutoIndex(name: string): boolean {
  return name.startsWith("sqlite_autoindex_") || name.startsWith(MYSQL_AUTOINDEX_PREFIX);
}

function normalizeIndexes(t: TableSnapshot, tableKey: string): NormalizedIndex[] {
  const out: NormalizedIndex[] = [];
  for (const i of t.indexes) {
    const columns = i.columns.map((c) => collapseWhitespace(c));
    const predicate = expr(i.predicate);
    const generated = isAutoIndex(i.name) || isPgGenerated(i.name, t.name, columnsAddition(i.columns), "idx");
    const key = generated ? `index on (${columns.join(", ")})${predicate ? ` where ${predicate}` : ""}` : `name ${i.name}`;
    const display = isAutoIndex(i.name) ? `on ${tableKey} (${columns.join(", ")})` : i.name;
    out.push({
      key,
      [DISPLAY]: display,
      columns,
      include: i.include.map((c) => collapseWhitespace(c)),
      unique: i.unique,
      predicate,
      method: i.method,
    });
  }
  return out.sort((a, b) => cmp(a.key, b.key));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function normalizeSnapshot(s: SchemaSnapshot): NormalizedSnapshot {
  const tables: NormalizedTable[] = s.tables.map((t) => {
    const key = qualifiedName(t.schema, t.name);
    return {
      key,
      columns: t.columns
        .map((c) => ({
          name: c.name,
          type: canonicalType(c.type),
          nullable: c.nullable,
          default: expr(c.default),
          identity: c.identity,
          generated: expr(c.generated),
        }))
        .sort((a, b) => cmp(a.name, b.name)),
      indexes: normalizeIndexes(t, key),
      constraints: normalizeConstraints(t, key),
    };
  });
  const sequences: NormalizedSequence[] = s.sequences.map((q) => {
    const [ownTable, ownColumn] = splitOwner(q.ownedBy);
    const generated = ownTable !== null && ownColumn !== null && isPgGenerated(q.name, ownTable, ownColumn, "seq");
    const display = qualifiedName(q.schema, q.name);
    return {
      key: generated ? `sequence owned by ${q.ownedBy}` : display,
      [DISPLAY]: display,
      type: canonicalType(q.type),
      start: q.start,
      increment: q.increment,
      min: q.min,
      max: q.max,
      cycle: q.cycle,
      ownedBy: q.ownedBy,
    };
  });
  return {
    dialect: s.dialect,
    tables: tables.sort((a, b) => cmp(a.key, b.key)),
    views: s.views.map((v) => ({ key: qualifiedName(v.schema, v.name), materialized: v.materialized, definition: expr(v.definition) ?? "" })).sort((a, b) => cmp(a.key, b.key)),
    sequences: sequences.sort((a, b) => cmp(a.key, b.key)),
    enums: s.enums.map((e) => ({ key: qualifiedName(e.schema, e.name), labels: [...e.labels] })).sort((a, b) => cmp(a.key, b.key)),
  };
}

/** "schema.table.column" or "table.column" → [table name without schema, column]. */
function splitOwner(ownedBy: string | null): [string | null, string | null] {
  if (!ownedBy) return [null, null];
  const parts = ownedBy.split(".");
  if (parts.length < 2) return [null, null];
  return [parts[parts.length - 2]!, parts[parts.length - 1]!];
}

/**
 * JSON without display-only fields (they sit under a symbol). normalizeSnapshot builds every object
 * with its keys in one fixed order, so plain JSON.stringify is already canonical, and fast.
 */
export function canonicalJson(n: NormalizedSnapshot): string {
  return JSON.stringify(n);
}

/** Lets callers pass either form: a normalised snapshot's objects carry a `key`. */
export function isNormalizedSnapshot(s: SchemaSnapshot | NormalizedSnapshot): s is NormalizedSnapshot {
  const probe = s.tables[0] ?? s.views[0] ?? s.enums[0] ?? s.sequences[0];
  return probe === undefined || "key" in probe;
}

export function asNormalizedSnapshot(s: SchemaSnapshot | NormalizedSnapshot): NormalizedSnapshot {
  return isNormalizedSnapshot(s) ? s : normalizeSnapshot(s);
}
