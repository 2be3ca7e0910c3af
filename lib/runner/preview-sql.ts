import "server-only";
import type { RunAlembicOptions } from "@/lib/runner/run-alembic";
import { runAlembic } from "@/lib/runner/run-alembic";

/** A step of the path with its parents, so a multi-head start can be previewed step by step. */
export interface PreviewStep {
  revision: string;
  downRevisions: string[];
}

export interface PreviewSqlOptions extends Omit<RunAlembicOptions, "args" | "onLine" | "onSpawn"> {
  direction: "upgrade" | "downgrade";
  /** The environment's ACTUAL current revisions, read from its version table ([] = base). */
  current: string[];
  /** Resolved target revision id, or "base" for a full downgrade. */
  target: string;
  /** The path's steps in execution order, with parents; needed only when `current` holds several heads. */
  steps?: PreviewStep[];
}

export interface SqlPreview {
  /** Redacted SQL, with `--` comments explaining anything that could not be previewed. */
  sql: string;
  /** "range" (one offline run), "per-step" (several heads), or "empty" (nothing to do). */
  mode: "range" | "per-step" | "empty";
  /** Revisions whose SQL could not be generated offline, with why. */
  notPreviewed: Array<{ revision: string; reason: string }>;
  /** Alembic's own messages when an offline run failed (redacted). */
  errors: string[];
}

/**
 * Asks Alembic for the SQL a run would execute (`alembic upgrade <current>:<target> --sql`),
 * starting from the environment's real current revision.
 *
 * Several current heads: Alembic's offline mode takes one starting revision, and starting from
 * one head would re-emit the other branches' already-applied migrations. So each step is then
 * previewed on its own as `<parent>:<step>`; a merge step (several parents) cannot be started
 * offline, and the preview says so in a comment instead of showing wrong SQL.
 */
export async function previewSql(o: PreviewSqlOptions): Promise<SqlPreview> {
  const { direction, current, target } = o;
  if (o.steps && o.steps.length === 0) {
    return { sql: `-- Nothing to ${direction}: the environment is already at ${target}.\n`, mode: "empty", notPreviewed: [], errors: [] };
  }
  if (current.length <= 1) {
    const from = current[0];
    if (direction === "downgrade" && !from) {
      return { sql: "-- Nothing to downgrade: the environment is at base (no revision applied).\n", mode: "empty", notPreviewed: [], errors: [] };
    }
    // From base, Alembic's offline upgrade starts at base when given just the target.
    const range = from ? `${from}:${target}` : target;
    const r = await offline(o, direction, range);
    return { sql: header(o, range) + r.sql, mode: "range", notPreviewed: [], errors: r.errors };
  }

  const notPreviewed: SqlPreview["notPreviewed"] = [];
  const errors: string[] = [];
  const parts: string[] = [
    `-- The environment has several current heads (${current.join(", ")}). Alembic's offline mode starts from one revision,`,
    "-- so each migration is previewed on its own below.",
    "",
  ];
  if (!o.steps) {
    const reason = "the path's steps were not given, so a multi-head start cannot be previewed";
    notPreviewed.push({ revision: target, reason });
    parts.push(`-- Not previewed: ${reason}.`);
    return { sql: parts.join("\n") + "\n", mode: "per-step", notPreviewed, errors };
  }
  for (const step of o.steps) {
    let range: string | null;
    if (direction === "upgrade") {
      if (step.downRevisions.length > 1) range = null;
      else range = step.downRevisions[0] ? `${step.downRevisions[0]}:${step.revision}` : step.revision;
    } else {
      range = step.downRevisions.length > 1 ? null : `${step.revision}:${step.downRevisions[0] ?? "base"}`;
    }
    if (!range) {
      const reason = `merge of ${step.downRevisions.join(", ")}: Alembic's offline mode cannot start from several revisions at once. Merge migrations usually hold no DDL; read the migration file to be sure`;
      notPreviewed.push({ revision: step.revision, reason });
      parts.push(`-- ${step.revision}: not previewed — ${reason}.`, "");
      continue;
    }
    const r = await offline(o, direction, range);
    errors.push(...r.errors);
    parts.push(`-- ${direction} ${range}`, r.sql, "");
  }
  return { sql: parts.join("\n"), mode: "per-step", notPreviewed, errors };
}

function header(o: PreviewSqlOptions, range: string): string {
  return `-- alembic ${o.direction} ${range} --sql (from the environment's current revision${o.current.length ? ` ${o.current[0]}` : ": base"})\n`;
}

async function offline(o: PreviewSqlOptions, direction: string, range: string): Promise<{ sql: string; errors: string[] }> {
  const stderr: string[] = [];
  const res = await runAlembic({
    ...o,
    args: [direction, range, "--sql"],
    onLine: (line, stream) => {
      if (stream === "stderr") stderr.push(line);
    },
  });
  if (res.exitCode === 0) return { sql: res.stdout.trim() + "\n", errors: [] };
  const tail = stderr.filter((l) => l.trim()).slice(-15);
  const errs = tail.length ? tail : [`alembic exited with ${res.exitCode ?? res.signal}`];
  return { sql: `-- Alembic could not generate SQL for ${range}:\n${errs.map((l) => `--   ${l}`).join("\n")}\n`, errors: errs };
}
