import "server-only";
import type { RunAlembicOptions } from "@/lib/runner/run-alembic";
import { runAlembic } from "@/lib/runner/run-alembic";

/** A step of the path with its parents, so a multi-head start can be previewed step by step. */
export interface PreviewStep {
  revision: string;
  downRevisions: string[];
  /** Its migration file relative to the project root, to name it when it cannot be previewed. */
  file?: string;
}

export interface PreviewSqlOptions extends Omit<RunAlembicOptions, "args" | "onLine" | "onSpawn"> {
  direction: "upgrade" | "downgrade";
  /** The environment's ACTUAL current revisions, read from its version table ([] = base). */
  current: string[];
  /** Resolved target revision id, or "base" for a full downgrade. */
  target: string;
  /** The path's steps in execution order, with parents and files: names what could not be previewed. */
  steps?: PreviewStep[];
}

export interface NotPreviewed {
  revision: string;
  /** Relative to the project root. */
  file?: string;
  reason: string;
}

export interface SqlPreview {
  /** Redacted SQL, with `--` comments explaining anything that could not be previewed. */
  sql: string;
  /** "range" (one offline run), "per-step" (several heads), or "empty" (nothing to do). */
  mode: "range" | "per-step" | "empty";
  /** Migrations whose SQL could not be generated offline (or not fully), in path order, with why. */
  notPreviewed: NotPreviewed[];
  /** Steps after one that could not be rendered: Alembic stopped before them, so they are not shown either. */
  skipped: string[];
  /** Alembic's own messages when an offline run failed (redacted, paths relative to the project). For logs, not the browser. */
  errors: string[];
}

/**
 * Asks Alembic for the SQL a run would execute (`alembic upgrade <current>:<target> --sql`),
 * starting from the environment's real current revision.
 *
 * A migration that reads rows (`op.get_bind().execute(…).fetchall()`) cannot run offline: Alembic
 * stops there. Its output up to that point is still the SQL of every migration before it, and the
 * `-- Running upgrade x -> y` comment Alembic writes before each migration names the one it stopped
 * in — so the common case stays one Alembic call whether or not it renders everything (measured
 * ~1.2 s a call here; rendering step by step would cost that per migration).
 *
 * Several current heads: Alembic's offline mode takes one starting revision, and starting from
 * one head would re-emit the other branches' already-applied migrations. So each step is then
 * previewed on its own as `<parent>:<step>`; a merge step (several parents) cannot be started
 * offline, and the preview says so in a comment instead of showing wrong SQL.
 */
export async function previewSql(o: PreviewSqlOptions): Promise<SqlPreview> {
  const { direction, current, target } = o;
  const empty = (sql: string): SqlPreview => ({ sql, mode: "empty", notPreviewed: [], skipped: [], errors: [] });
  if (o.steps && o.steps.length === 0) return empty(`-- Nothing to ${direction}: the environment is already at ${target}.\n`);
  const fileOf = (r: string) => o.steps?.find((s) => s.revision === r)?.file;
  const named = (r: string) => `${r}${fileOf(r) ? ` (${fileOf(r)})` : ""}`;

  if (current.length <= 1) {
    const from = current[0];
    if (direction === "downgrade" && !from) return empty("-- Nothing to downgrade: the environment is at base (no revision applied).\n");
    // From base, Alembic's offline upgrade starts at base when given just the target.
    const range = from ? `${from}:${target}` : target;
    const r = await offline(o, direction, range);
    const head = header(o, range);
    if (r.ok) return { sql: head + r.sql, mode: "range", notPreviewed: [], skipped: [], errors: [] };

    const steps = o.steps?.map((s) => s.revision) ?? [];
    if (r.stoppedIn) {
      const skipped = steps.filter((s) => s !== r.stoppedIn && !r.rendered.includes(s));
      const notice = [
        `-- PREVIEW INCOMPLETE: Alembic could not render ${named(r.stoppedIn)} offline; it stopped with: ${r.headline}`,
        `-- The statements after "-- Running ${direction} … ${r.stoppedIn}" above are only what ${r.stoppedIn} emitted before it stopped, and the transaction's COMMIT is missing.`,
        `-- Not previewed: ${[r.stoppedIn, ...skipped].join(", ")}. Read ${skipped.length ? "those migration files" : "that migration file"} before running.`,
      ];
      return {
        sql: `${head}${r.sql}\n${notice.join("\n")}\n`,
        mode: "range",
        notPreviewed: [{ revision: r.stoppedIn, ...(fileOf(r.stoppedIn) ? { file: fileOf(r.stoppedIn) } : {}), reason: stoppedReason(r.headline) }],
        skipped,
        errors: r.errors,
      };
    }
    // Alembic failed before its first migration (env.py, the scripts, the range): nothing is previewed.
    const first = steps[0] ?? target;
    return {
      sql: `${head}${r.sql}-- Alembic could not generate SQL for ${range}: ${r.headline}\n-- Not previewed: ${steps.length ? steps.join(", ") : target}.\n`,
      mode: "range",
      notPreviewed: [{ revision: first, ...(fileOf(first) ? { file: fileOf(first) } : {}), reason: `Alembic failed before rendering any migration: ${r.headline}` }],
      skipped: steps.slice(1),
      errors: r.errors,
    };
  }

  const notPreviewed: NotPreviewed[] = [];
  const errors: string[] = [];
  const parts: string[] = [`-- The environment has several current heads (${current.join(", ")}). Alembic's offline mode starts from one revision,`, "-- so each migration is previewed on its own below.", ""];
  if (!o.steps) {
    const reason = "the path's steps were not given, so a multi-head start cannot be previewed";
    notPreviewed.push({ revision: target, reason });
    parts.push(`-- Not previewed: ${reason}.`);
    return { sql: parts.join("\n") + "\n", mode: "per-step", notPreviewed, skipped: [], errors };
  }
  for (const step of o.steps) {
    let range: string | null;
    if (direction === "upgrade") {
      if (step.downRevisions.length > 1) range = null;
      else range = step.downRevisions[0] ? `${step.downRevisions[0]}:${step.revision}` : step.revision;
    } else {
      range = step.downRevisions.length > 1 ? null : `${step.revision}:${step.downRevisions[0] ?? "base"}`;
    }
    const file = step.file ? { file: step.file } : {};
    if (!range) {
      const reason = `merge of ${step.downRevisions.join(", ")}: Alembic's offline mode cannot start from several revisions at once. Merge migrations usually hold no DDL; read the migration file to be sure`;
      notPreviewed.push({ revision: step.revision, ...file, reason });
      parts.push(`-- ${step.revision}: not previewed — ${reason}.`, "");
      continue;
    }
    const r = await offline(o, direction, range);
    errors.push(...r.errors);
    parts.push(`-- ${direction} ${range}`, r.sql);
    if (!r.ok) {
      const reason = r.stoppedIn ? stoppedReason(r.headline) : `Alembic failed before rendering it: ${r.headline}`;
      notPreviewed.push({ revision: step.revision, ...file, reason });
      parts.push(`-- PREVIEW INCOMPLETE: ${named(step.revision)} not previewed${r.stoppedIn ? " (the statements above are only what it emitted before it stopped)" : ""} — ${reason}.`);
    }
    parts.push("");
  }
  return { sql: parts.join("\n"), mode: "per-step", notPreviewed, skipped: [], errors };
}

function header(o: PreviewSqlOptions, range: string): string {
  return `-- alembic ${o.direction} ${range} --sql (from the environment's current revision${o.current.length ? ` ${o.current[0]}` : ": base"})\n`;
}

function stoppedReason(headline: string): string {
  return `Alembic's offline mode (--sql) stopped in it with ${headline} — it needs a live database (it reads rows, or reflects a table for batch mode, for example)`;
}

/** `-- Running upgrade a, b -> c` / `-- Running downgrade c -> a, b`: Alembic writes it before each migration. */
export const RUNNING = /^-- Running (upgrade|downgrade) (.*?) -> (.*)$/;
/** The line of a traceback that says what went wrong: `KeyError: 'x'`, `alembic.util.exc.CommandError: …`, `FAILED: …`. */
const EXCEPTION = /^(?:[A-Za-z_][\w.]*(?:Error|Exception|Exit|Detected|Warning|Interrupt)|FAILED)\b:?/;

export interface OfflineResult {
  ok: boolean;
  /** Everything Alembic printed on stdout: the SQL, complete or up to where it stopped. */
  sql: string;
  /** Migrations Alembic finished rendering. */
  rendered: string[];
  /** The migration it was rendering when it failed, if it had started one. */
  stoppedIn?: string;
  /** One line saying why it failed: the exception, not the traceback; project paths relative. */
  headline: string;
  errors: string[];
}

/** One offline Alembic call (`alembic <direction> <range> --sql`); lint renders per migration with it too. */
export async function offline(o: Omit<PreviewSqlOptions, "direction" | "current" | "target">, direction: string, range: string): Promise<OfflineResult> {
  const stderr: string[] = [];
  const res = await runAlembic({
    ...o,
    args: [direction, range, "--sql"],
    onLine: (line, stream) => {
      if (stream === "stderr") stderr.push(line);
    },
  });
  const sql = res.stdout.trim() ? res.stdout.trim() + "\n" : "";
  const started: string[] = [];
  for (const line of sql.split("\n")) {
    const m = RUNNING.exec(line.trim());
    if (m) started.push((m[1] === "upgrade" ? m[3]! : m[2]!).trim());
  }
  if (res.exitCode === 0) return { ok: true, sql, rendered: started, headline: "", errors: [] };
  // Traceback frames name files on the server; show them relative to the project.
  const root = o.cwd.replace(/\/+$/, "");
  const relative = (l: string) => l.split(`${root}/./`).join("").split(`${root}/`).join("");
  const lines = stderr.filter((l) => l.trim()).map(relative);
  const exception = [...lines].reverse().find((l) => EXCEPTION.test(l)) ?? [...lines].reverse().find((l) => !/^\s/.test(l) && !/^(INFO|DEBUG|WARNI)/.test(l));
  const why = res.timedOut ? "it did not finish in time" : (exception ?? `alembic exited with ${res.exitCode ?? res.signal}`);
  const headline = why.length > 300 ? `${why.slice(0, 297)}…` : why;
  const tail = lines.slice(-15);
  return {
    ok: false,
    sql,
    rendered: started.slice(0, -1),
    ...(started.length ? { stoppedIn: started[started.length - 1]! } : {}),
    headline,
    errors: tail.length ? tail : [headline],
  };
}
