/**
 * A failed run's headline in plain words: which migration failed (id, file, "3 of 5"), the database's
 * own error, whether its transaction rolled back and where the environment stands now. Read from
 * Alembic's (already redacted) output. Pure.
 */
import { parseProgressLine } from "@/lib/runner/parse-progress";

export interface RunFailureInput {
  /** Alembic's output lines, redacted, in order. */
  lines: string[];
  direction: "upgrade" | "downgrade";
  /** The planned revision ids in execution order. */
  plannedSteps: string[];
  /** The migration file of a revision, relative to the project root. */
  fileOf?: (revision: string) => string | undefined;
  environment: string;
  /** "postgresql", "sqlite", "mysql"… (decides what a failure leaves behind). */
  dialect: string;
  /** The version table afterwards; null when it could not be read. */
  resultRevisions: string[] | null;
}

export interface RunFailure {
  /** The migration that was running when it failed; null when none had started (env.py, connection…). */
  revision: string | null;
  /** 1-based position in the planned path. */
  index: number | null;
  total: number;
  /** The database's (or Python's) error, one line. */
  error: string | null;
  /** Two or three sentences for the top of the run page. */
  headline: string;
}

// `sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedFunction) operator does not exist: json ? unknown`
const SQLALCHEMY_ERROR = /^sqlalchemy\.exc\.\w+: \((?:[\w.]+)\) (.+)$/;
// `KeyError: 'x'`, `alembic.util.exc.CommandError: Can't locate revision …`, `psycopg2.errors.X: …`
const PYTHON_ERROR = /^((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Warning)): (.+)$/;
const ALEMBIC_FAILED = /^\s*FAILED: (.+)$/;

/** The one line that says what went wrong: the driver's error first, then Python's, then Alembic's. */
export function findErrorLine(lines: string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = SQLALCHEMY_ERROR.exec(lines[i]!.trim());
    if (m) return m[1]!.trim();
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    const f = ALEMBIC_FAILED.exec(line);
    if (f) return f[1]!.trim();
    const m = PYTHON_ERROR.exec(line);
    if (m) return `${m[1]!.split(".").at(-1)}: ${m[2]!.trim()}`;
  }
  return null;
}

/** cairn_run.py's note that it names every statement MySQL commits on its own (see trace_committed_ddl). */
const DDL_TRACE_ON = /^Cairn: MySQL commits each schema statement as it runs/;
const DDL_COMMITTED = /^Cairn: MySQL committed: (.+)$/;

/** `CREATE TABLE invoices (id INTEGER …)` → `CREATE TABLE invoices (…)`: enough to find it, short enough for a headline. */
function shortStatement(sql: string): string {
  if (sql.length <= 60) return sql;
  const paren = sql.indexOf("(");
  return paren > 0 && paren <= 60 ? `${sql.slice(0, paren).trimEnd()} (…)` : `${sql.slice(0, 60).trimEnd()}…`;
}

function statementList(statements: string[]): string {
  const shown = statements.slice(0, 5).map(shortStatement).join("; ");
  return statements.length > 5 ? `${shown}; and ${statements.length - 5} more (see the log)` : shown;
}

export function describeRunFailure(i: RunFailureInput): RunFailure {
  let last: { revision: string } | null = null;
  let traced = false;
  const committed = new Map<string, string[]>();
  for (const line of i.lines) {
    const step = parseProgressLine(line);
    if (step) last = { revision: (step.direction === "upgrade" ? step.to[0] : step.from[0]) ?? "" };
    const text = line.trim();
    if (DDL_TRACE_ON.test(text)) traced = true;
    const ddl = DDL_COMMITTED.exec(text);
    if (ddl && last) committed.set(last.revision, [...(committed.get(last.revision) ?? []), ddl[1]!]);
  }
  const total = i.plannedSteps.length;
  const revision = last?.revision || null;
  const planned = revision ? i.plannedSteps.indexOf(revision) : -1;
  const index = planned >= 0 ? planned + 1 : null;
  const error = findErrorLine(i.lines);
  const file = revision ? i.fileOf?.(revision) : undefined;

  const now = i.resultRevisions === null ? null : i.resultRevisions.length ? i.resultRevisions.join(", ") : "base";
  const doneCount = countDone(i);
  const where =
    now === null
      ? `Cairn could not re-read ${i.environment}'s version table, so where it stands now is unknown: check it before doing anything else.`
      : `${i.environment} is now at ${now}${doneCount !== null && total ? ` (${doneCount} of ${total} migration${total === 1 ? "" : "s"} ${i.direction === "upgrade" ? "applied" : "reverted"})` : ""}.`;
  const said = error ? `: ${/[.!?]$/.test(error) ? error : `${error}.`}` : ".";
  const what = revision ? `Migration ${revision}${file || index ? ` (${[file, index ? `${index} of ${total}` : null].filter(Boolean).join(", ")})` : ""} failed${said}` : `Alembic failed before any migration ran${said}`;
  let rolledBack = "";
  if (revision && i.dialect === "postgresql") rolledBack = "Its transaction was rolled back.";
  else if (revision && traced) {
    // The runner named every statement MySQL committed: say exactly which of this migration's stayed.
    const stayed = committed.get(revision) ?? [];
    rolledBack = stayed.length
      ? `${dialectName(i.dialect)} does not roll back schema changes: these statements of ${revision} ran and stayed: ${statementList(stayed)}. Undo them, or finish ${revision} by hand, before running again.`
      : `No schema statement of ${revision} had completed, so ${dialectName(i.dialect)} holds none of its schema changes.`;
    // Without transaction_per_migration, a failure can roll back the version rows of earlier steps whose DDL stayed.
    const unrecorded = doneCount === null ? [] : i.plannedSteps.slice(doneCount).filter((r) => r !== revision && committed.has(r));
    for (const r of unrecorded) {
      rolledBack += ` The version table does not record ${r}, yet its statements stayed: ${statementList(committed.get(r)!)}.`;
    }
  } else if (revision) {
    rolledBack = `${dialectName(i.dialect)} does not roll back schema changes: statements of ${revision} that ran before the error may have stayed — compare the schema before running again.`;
  }
  return { revision, index, total, error, headline: [what, rolledBack, where].filter(Boolean).join(" ") };
}

/** How many planned steps the version table shows as done (null when it cannot be told). */
function countDone(i: RunFailureInput): number | null {
  if (i.resultRevisions === null) return null;
  const at = new Set(i.resultRevisions);
  // Walk the plan: the last planned step the table holds (upgrade), or the first it no longer holds (downgrade).
  if (i.direction === "upgrade") {
    for (let k = i.plannedSteps.length - 1; k >= 0; k--) if (at.has(i.plannedSteps[k]!)) return k + 1;
    return 0;
  }
  for (let k = 0; k < i.plannedSteps.length; k++) if (at.has(i.plannedSteps[k]!)) return k;
  return i.plannedSteps.length;
}

/** "postgresql+psycopg2://…" → "postgresql", "mariadb+pymysql://…" → "mysql", "sqlite:///…" → "sqlite". */
export function dialectOfUrl(url: string): string {
  const scheme = /^([a-z0-9]+)/i.exec(url)?.[1]?.toLowerCase() ?? "";
  return scheme.startsWith("postgres") ? "postgresql" : scheme === "mariadb" ? "mysql" : scheme;
}

function dialectName(d: string): string {
  return d === "sqlite" ? "SQLite" : d === "mysql" || d === "mariadb" ? "MySQL" : d;
}
