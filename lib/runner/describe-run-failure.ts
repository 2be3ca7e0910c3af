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

export function describeRunFailure(i: RunFailureInput): RunFailure {
  let last: { revision: string } | null = null;
  for (const line of i.lines) {
    const step = parseProgressLine(line);
    if (step) last = { revision: (step.direction === "upgrade" ? step.to[0] : step.from[0]) ?? "" };
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
  const what = revision
    ? `Migration ${revision}${file || index ? ` (${[file, index ? `${index} of ${total}` : null].filter(Boolean).join(", ")})` : ""} failed${said}`
    : `Alembic failed before any migration ran${said}`;
  const rolledBack = revision
    ? i.dialect === "postgresql"
      ? "Its transaction was rolled back."
      : `${dialectName(i.dialect)} does not roll back schema changes: statements of ${revision} that ran before the error may have stayed — compare the schema before running again.`
    : "";
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
