/**
 * The lint rule catalogue: severity, what each catches, why it is dangerous, the safe pattern, and
 * the dialects it applies to. Messages of findings are built from these plus the object concerned.
 */
import type { LintDialect, LintRuleId, LintSeverity } from "@/lib/lint/types";

export interface LintRule {
  id: LintRuleId;
  severity: LintSeverity;
  /** One line: what the rule catches. */
  title: string;
  /** Why it is dangerous. */
  why: string;
  /** The safe pattern. */
  fix: string;
  /** Dialects whose rendered SQL the rule reads; others report it as not applicable. */
  dialects: readonly LintDialect[];
}

const ALL: readonly LintDialect[] = ["postgresql", "sqlite", "mysql"];
/** Rules reading parsed SQL: PostgreSQL's parser reads PostgreSQL's and (for these statements) SQLite's rendering. */
const SQL: readonly LintDialect[] = ["postgresql", "sqlite"];
/** Lock, constraint-validation and operator rules that only mean something on PostgreSQL. */
const PG: readonly LintDialect[] = ["postgresql"];

const EXPAND_CONTRACT =
  "Expand/contract: (1) add the new shape beside the old one, (2) deploy code that writes both and reads the new, (3) backfill in batches, (4) deploy code that no longer uses the old shape, (5) drop the old shape in a later migration.";

export const LINT_RULES: Record<LintRuleId, LintRule> = {
  "drop-table": {
    id: "drop-table",
    severity: "error",
    title: "drops an existing table",
    why: "Its rows are gone for good, and application code still deployed that reads or writes the table fails the moment it runs.",
    fix: `Stop using the table in code first and release that; drop it in a later migration once nothing references it (keep a backup). ${EXPAND_CONTRACT}`,
    dialects: SQL,
  },
  "drop-column": {
    id: "drop-column",
    severity: "error",
    title: "drops a column of an existing table",
    why: "Its values are lost, and code still deployed that selects or inserts the column fails (ORMs select every mapped column).",
    fix: `Remove the column from the models and release that first (SQLAlchemy: stop mapping it), then drop it in a later migration. ${EXPAND_CONTRACT}`,
    dialects: SQL,
  },
  "table-recreate": {
    id: "table-recreate",
    severity: "error",
    title: "drops a table and creates it again (or renames a copy over it) in one migration",
    why: "Copying the table holds it locked for the whole copy, loses what the copy does not carry (grants, triggers, dependent views, foreign keys pointing at it) and drops the rows if the copy step is wrong.",
    fix: "Change the table in place (ALTER TABLE … ADD/DROP CONSTRAINT, ALTER COLUMN), on PostgreSQL with NOT VALID then VALIDATE CONSTRAINT for checks; on SQLite keep batch mode but review what the copy carries.",
    dialects: SQL,
  },
  "rename-table": {
    id: "rename-table",
    severity: "error",
    title: "renames an existing table",
    why: "Code deployed before the migration uses the old name and fails from the moment it commits until the new code is out.",
    fix: `Create the new table (or a view named after the old one), write to both, move reads, then drop the old name later. ${EXPAND_CONTRACT}`,
    dialects: SQL,
  },
  "rename-column": {
    id: "rename-column",
    severity: "error",
    title: "renames a column of an existing table",
    why: "Code deployed before the migration selects and inserts the old name and fails until the new code is out.",
    fix: `Add the new column, write both, backfill in batches, switch reads, drop the old column later. ${EXPAND_CONTRACT}`,
    dialects: SQL,
  },
  "column-type-change": {
    id: "column-type-change",
    severity: "error",
    title: "changes the type of a column of an existing table",
    why: "Most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock (reads and writes wait), and values may not convert or may be truncated.",
    fix: `Add a column of the new type, write both, backfill in batches, switch reads, drop the old column later. Changes PostgreSQL does without a rewrite (varchar(n) to a larger n or to text) are safe to acknowledge. ${EXPAND_CONTRACT}`,
    dialects: SQL,
  },
  "not-null-without-default": {
    id: "not-null-without-default",
    severity: "error",
    title: "adds a NOT NULL column without a default, or sets NOT NULL, on an existing table",
    why: "Adding a NOT NULL column without a default fails as soon as the table has a row; SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock and fails on the first NULL.",
    fix: "Add the column nullable (or with a server_default), backfill in batches, then on PostgreSQL add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, and only then SET NOT NULL (it uses the validated check and does not scan).",
    dialects: SQL,
  },
  "non-concurrent-index": {
    id: "non-concurrent-index",
    severity: "warning",
    title: "creates or drops an index on an existing table without CONCURRENTLY",
    why: "CREATE INDEX blocks every write to the table for the whole build, DROP INDEX blocks reads and writes; on a large table that is minutes of outage.",
    fix: "op.create_index(…, postgresql_concurrently=True) (or op.drop_index(…, postgresql_concurrently=True)) inside `with op.get_context().autocommit_block():` — CONCURRENTLY cannot run in a transaction.",
    dialects: PG,
  },
  "constraint-without-not-valid": {
    id: "constraint-without-not-valid",
    severity: "warning",
    title: "adds a FOREIGN KEY or CHECK to an existing table without NOT VALID",
    why: "Adding the constraint validates every existing row while holding a lock that blocks writes (and, for a foreign key, writes to the referenced table too).",
    fix: "Add it with NOT VALID (op.create_foreign_key(…, postgresql_not_valid=True) / op.create_check_constraint(…, postgresql_not_valid=True) or op.execute), then in a later migration ALTER TABLE … VALIDATE CONSTRAINT …, which takes only a SHARE UPDATE EXCLUSIVE lock.",
    dialects: PG,
  },
  "row-by-row-backfill": {
    id: "row-by-row-backfill",
    severity: "warning",
    title: "a Python loop executes a statement per row through op.get_bind()",
    why: "One round trip per row inside the migration's transaction: it holds locks for the whole loop, takes minutes or hours on real data, and cannot be rendered offline or reviewed as SQL.",
    fix: "One set-based statement (UPDATE … SET … FROM … / INSERT … SELECT …), or batches of a few thousand rows by primary key range; large backfills belong outside the migration.",
    dialects: ALL,
  },
  "jsonb-operator-on-json": {
    id: "jsonb-operator-on-json",
    severity: "error",
    title: "a JSONB-only operator (?, ?|, ?&, @>, <@) is applied to a column of type json",
    why: "PostgreSQL has these operators for jsonb only: on json the statement fails at run time with “operator does not exist: json ? unknown”.",
    fix: "Cast the column (col::jsonb ? 'key'), or change the column to jsonb in its own migration first.",
    dialects: PG,
  },
  "syntax-error": {
    id: "syntax-error",
    severity: "error",
    title: "a statement the target database's parser rejects",
    why: "The migration fails at that statement; if it is not transactional (MySQL, or after an autocommit block) it leaves the schema half-changed.",
    fix: "Write the statement for the target dialect (e.g. SERIAL / IDENTITY instead of SQLite's AUTOINCREMENT), preferably through op.* helpers that render per dialect.",
    dialects: PG,
  },
  "irreversible-downgrade": {
    id: "irreversible-downgrade",
    severity: "warning",
    title: "downgrade() does nothing or raises",
    why: "Rolling back past this revision either fails or silently leaves the schema as the upgrade left it while the version table says otherwise.",
    fix: "Write the inverse operations in downgrade(); if the change truly cannot be undone, say so in the docstring and acknowledge with `# cairn: allow irreversible-downgrade — <reason>`.",
    dialects: ALL,
  },
  "revision-id-too-long": {
    id: "revision-id-too-long",
    severity: "error",
    title: "the revision id is longer than the version table's version_num column",
    why: "Alembic runs the migration and then fails writing the id into alembic_version (VARCHAR(32) by default): on PostgreSQL the migration's work is rolled back, on MySQL it stays applied but unrecorded.",
    fix: "Use an id of at most the column's width (Alembic's generated ids are 12 characters), or widen version_num first.",
    // SQLite does not enforce VARCHAR lengths.
    dialects: ["postgresql", "mysql"],
  },
  "preview-unavailable": {
    id: "preview-unavailable",
    severity: "warning",
    title: "the migration cannot be rendered as SQL offline",
    why: "Only the statements it emitted before stopping (if any) were linted: whatever it does after reading from the database is unseen.",
    fix: "Rehearse the run on a copy (Cairn's rehearsal), and read the migration file.",
    dialects: ALL,
  },
};

/** Why a rule does not apply to a dialect, or undefined when it does. */
export function notApplicableReason(rule: LintRule, dialect: LintDialect): string | undefined {
  if (rule.dialects.includes(dialect)) return undefined;
  if (dialect === "mysql") {
    // Hook for MySQL: give MySQL's rendered SQL a parser and MySQL's lock rules, then list the dialect in `dialects`.
    return "MySQL's SQL is not parsed yet (Cairn parses with PostgreSQL's parser), so rules that read the rendered SQL are not checked for MySQL";
  }
  if (rule.id === "revision-id-too-long") return `${dialect} does not enforce VARCHAR lengths, so a long id is stored (it fails later on PostgreSQL or MySQL)`;
  if (rule.id === "syntax-error") return `Cairn parses with PostgreSQL's parser, which is not ${dialect}'s: a statement it rejects may be valid there`;
  return `only PostgreSQL has this behaviour; it does not apply to ${dialect}`;
}
