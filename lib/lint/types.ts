/**
 * Contracts of migration lint: what it reads for each migration on a path, and what it reports.
 * Pure data: nothing here imports next, react, prisma, pg or node.
 */
import type { SchemaSnapshot } from "@/lib/drift/types";

export const LINT_DIALECTS = ["postgresql", "sqlite", "mysql"] as const;
export type LintDialect = (typeof LINT_DIALECTS)[number];

/** The URL handed to Alembic for an offline render without an environment: it only picks the dialect (no connection is made). */
export const OFFLINE_LINT_URLS: Record<LintDialect, string> = {
  postgresql: "postgresql://cairn-lint@localhost/cairn_lint",
  sqlite: "sqlite:///cairn-lint.db",
  mysql: "mysql+pymysql://cairn-lint@localhost/cairn_lint",
};

/** A database dialect ("postgresql", "mysql", … as dialectOfUrl names them) as lint knows it, or undefined when lint reads no SQL of it. */
export function asLintDialect(dialect: string): LintDialect | undefined {
  return (LINT_DIALECTS as readonly string[]).includes(dialect) ? (dialect as LintDialect) : undefined;
}
export type LintSeverity = "error" | "warning" | "info";

export const LINT_RULE_IDS = [
  "drop-table",
  "drop-column",
  "table-recreate",
  "rename-table",
  "rename-column",
  "column-type-change",
  "not-null-without-default",
  "non-concurrent-index",
  "constraint-without-not-valid",
  "row-by-row-backfill",
  "jsonb-operator-on-json",
  "syntax-error",
  "irreversible-downgrade",
  "revision-id-too-long",
  "preview-unavailable",
] as const;
export type LintRuleId = (typeof LINT_RULE_IDS)[number];

/** What Alembic rendered offline (`alembic upgrade <prev>:<rev> --sql`) for one migration. */
export type RenderedSql =
  | { ok: true; sql: string }
  /** It could not be rendered; `sql` is what it emitted before it stopped (linted too), `reason` one line why. */
  | { ok: false; sql: string; reason: string };

/** One migration of the path, in path order. */
export interface LintMigration {
  revision: string;
  /** Relative to the project root (what SARIF and people see). */
  file: string;
  /** The migration's Python source; null when it could not be read. */
  source: string | null;
  /** Absent: not rendered (e.g. a merge that Alembic cannot start from offline) — reported as preview-unavailable. */
  rendered?: RenderedSql;
}

export interface LintInput {
  dialect: LintDialect;
  /** Migrations in the order they run. Tables created by an earlier one are "new" for the later ones. */
  migrations: LintMigration[];
  /** The environment's live schema, for type-aware rules and to know which tables exist. */
  schema?: SchemaSnapshot;
  /** Width of the version table's version_num column (Alembic creates VARCHAR(32)). */
  versionNumWidth?: number;
  /** The version table's name, whose bookkeeping statements are not the migration's (default alembic_version). */
  versionTable?: string;
}

export interface LintFinding {
  rule: LintRuleId;
  severity: LintSeverity;
  revision: string;
  file: string;
  /** 1-based line in the migration file, when the finding can be placed there. */
  line: number | null;
  /** The SQL statement (as Alembic rendered it, shortened) when the finding comes from SQL. */
  statement: string | null;
  /** What is wrong and why it is dangerous. */
  message: string;
  /** The safe pattern. */
  fix: string;
  /** The reason given in `# cairn: allow <rule> — <reason>`, or by the admin who acknowledged it: listed, not counted. */
  acknowledged?: string;
  /** Set when an admin acknowledged it (for the file's current bytes) rather than the migration's comment. */
  acknowledgedBy?: { id: string; email: string; at: string };
  /** sha256 of the migration file's bytes the finding was made for: an admin's acknowledgement names it, and holds for those bytes only. */
  fileSha256?: string;
}

/** A rule that cannot be checked for the dialect, and why (so silence is never mistaken for a pass). */
export interface NotApplicableRule {
  rule: LintRuleId;
  reason: string;
}

export interface LintReport {
  findings: LintFinding[];
  migrations: number;
  notApplicable: NotApplicableRule[];
  /** Unacknowledged findings of error severity: a CLI exits 1 and a protected run is gated while any exist. */
  errors: number;
}
