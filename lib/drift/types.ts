/**
 * Contracts for schema drift: what introspection captures from a target database, and what a
 * comparison reports. Pure: zod only, so the same shapes validate snapshots read back from the store.
 */
import { z } from "zod";

/** One column as the database declares it. Types are as the database prints them; normalisation canonicalises. */
export const ZColumnSnapshot = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  /** Default expression as the database prints it, or null. Not set for generated columns. */
  default: z.string().nullable(),
  /** PostgreSQL identity column: "always" / "by default" (MySQL AUTO_INCREMENT: "by default"); null otherwise. */
  identity: z.enum(["always", "by default"]).nullable(),
  /** Generation expression of a generated (computed) column, or null. */
  generated: z.string().nullable(),
});
export type ColumnSnapshot = z.infer<typeof ZColumnSnapshot>;

/** A free-standing index (indexes that back a primary key or unique constraint appear as constraints). */
export const ZIndexSnapshot = z.object({
  name: z.string(),
  /** Key columns or expressions, in index order, with " DESC" / " NULLS FIRST" where not the default. */
  columns: z.array(z.string()),
  /** Non-key columns (PostgreSQL INCLUDE). */
  include: z.array(z.string()),
  unique: z.boolean(),
  /** Partial-index predicate, or null. */
  predicate: z.string().nullable(),
  /** Access method (btree, gin, …); null where the database has only one (SQLite). */
  method: z.string().nullable(),
});
export type IndexSnapshot = z.infer<typeof ZIndexSnapshot>;

export const CONSTRAINT_KINDS = ["primary", "foreign", "unique", "check", "exclusion"] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

export const ZConstraintSnapshot = z.object({
  /** Null where the database keeps no name (SQLite's unnamed constraints). */
  name: z.string().nullable(),
  kind: z.enum(CONSTRAINT_KINDS),
  /** Columns the constraint is on (for a check: the columns its expression mentions), in order. */
  columns: z.array(z.string()),
  /** Full definition, e.g. `CHECK ((phase = ANY (ARRAY['a'::text])))` or `FOREIGN KEY (a) REFERENCES t(id)`. */
  definition: z.string(),
  /** Referenced table for foreign keys ("schema.table" outside public). */
  references: z.string().nullable().optional(),
});
export type ConstraintSnapshot = z.infer<typeof ZConstraintSnapshot>;

export const ZTableSnapshot = z.object({
  /** PostgreSQL schema; null on SQLite and for MySQL tables in the URL's own database (another database's name otherwise). */
  schema: z.string().nullable(),
  name: z.string(),
  columns: z.array(ZColumnSnapshot),
  indexes: z.array(ZIndexSnapshot),
  constraints: z.array(ZConstraintSnapshot),
});
export type TableSnapshot = z.infer<typeof ZTableSnapshot>;

export const ZViewSnapshot = z.object({
  schema: z.string().nullable(),
  name: z.string(),
  materialized: z.boolean(),
  definition: z.string(),
});
export type ViewSnapshot = z.infer<typeof ZViewSnapshot>;

export const ZSequenceSnapshot = z.object({
  schema: z.string().nullable(),
  name: z.string(),
  type: z.string(),
  start: z.string(),
  increment: z.string(),
  min: z.string(),
  max: z.string(),
  cycle: z.boolean(),
  /** "table.column" when the sequence is owned by a column (serial), else null. */
  ownedBy: z.string().nullable(),
});
export type SequenceSnapshot = z.infer<typeof ZSequenceSnapshot>;

export const ZEnumSnapshot = z.object({
  schema: z.string().nullable(),
  name: z.string(),
  /** Labels in sort order. */
  labels: z.array(z.string()),
});
export type EnumSnapshot = z.infer<typeof ZEnumSnapshot>;

/** Everything introspection read from one database, minus the version table. No OIDs, no timestamps. */
export const ZSchemaSnapshot = z.object({
  /** "mysql" for MySQL and MariaDB alike: introspection spells both the same way. */
  dialect: z.enum(["postgresql", "sqlite", "mysql"]),
  tables: z.array(ZTableSnapshot),
  views: z.array(ZViewSnapshot),
  sequences: z.array(ZSequenceSnapshot),
  enums: z.array(ZEnumSnapshot),
});
export type SchemaSnapshot = z.infer<typeof ZSchemaSnapshot>;

/** What differs, per object. */
export type DriftDifferenceKind =
  | "dialect"
  | "table-only"
  | "column-only"
  | "column-type"
  | "column-nullable"
  | "column-default"
  | "column-identity"
  | "column-generated"
  | "index-only"
  | "index-changed"
  | "constraint-only"
  | "constraint-changed"
  | "view-only"
  | "view-changed"
  | "enum-only"
  | "enum-labels"
  | "sequence-only"
  | "sequence-changed";

/** One readable difference between two snapshots. `left`/`right` hold each side's value; absent = object missing there. */
export interface DriftDifference {
  kind: DriftDifferenceKind;
  /** The object, e.g. "blocks.created_at", "index ix_notes_search_vector", "table audit_log". */
  object: string;
  left?: string;
  right?: string;
  /** One line, e.g. "blocks.created_at: nullable → NOT NULL". */
  message: string;
}

/** Names for the two sides of a comparison, e.g. environment names or "baseline". */
export interface DiffLabels {
  left: string;
  right: string;
}
