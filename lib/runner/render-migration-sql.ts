import "server-only";
import { offline, RUNNING, type PreviewSqlOptions } from "@/lib/runner/preview-sql";
import type { RenderedSql } from "@/lib/lint/types";

export interface RenderStep {
  revision: string;
  downRevisions: string[];
}

export interface RenderMigrationSqlOptions extends Omit<PreviewSqlOptions, "direction" | "current" | "target" | "steps"> {
  /** The upgrade path's steps in execution order, with their parents. */
  steps: RenderStep[];
  /** Where the path starts: [] = base, one revision, or several heads. */
  from: string[];
  /** Alembic's target for the range: a revision id or "heads". */
  target: string;
  /** "per-step" renders `<parent>:<rev>` one Alembic call per migration, whatever the start. */
  mode?: "range" | "per-step";
}

/**
 * The SQL Alembic renders offline for each migration of an upgrade path, so one that cannot render
 * does not hide the others.
 *
 * From one starting revision (or base) it asks Alembic for the range once and splits the output at
 * the `-- Running upgrade a -> b` line Alembic writes before each migration; when a migration stops
 * the render, that migration is marked and the rest is rendered again starting from it
 * (`alembic upgrade <it>:<target> --sql`), so each failure costs one more call instead of every
 * migration costing one (≈0.5–1.2 s an Alembic start here: 600 migrations rendered one by one are
 * 5–12 minutes, the range is one start). From several heads, or with `mode: "per-step"`, each
 * migration is rendered alone as `<parent>:<rev>`; a merge cannot be started from offline and is
 * left unrendered (undefined), which lint reports as preview-unavailable.
 */
export async function renderMigrationSql(o: RenderMigrationSqlOptions): Promise<Map<string, RenderedSql | undefined>> {
  const { steps, from, target, mode, ...alembic } = o;
  const out = new Map<string, RenderedSql | undefined>();
  if (!steps.length) return out;
  const wanted = new Set(steps.map((s) => s.revision));

  if (mode === "per-step" || from.length > 1) {
    for (const step of steps) {
      if (step.downRevisions.length > 1) {
        out.set(step.revision, undefined);
        continue;
      }
      const range = step.downRevisions[0] ? `${step.downRevisions[0]}:${step.revision}` : step.revision;
      const r = await offline(alembic, "upgrade", range);
      const sql = splitRenderedSql(r.sql).get(step.revision) ?? "";
      out.set(step.revision, r.ok ? { ok: true, sql } : { ok: false, sql, reason: r.headline });
    }
    return out;
  }

  const failed = new Set<string>();
  let start = from[0] ?? null;
  // Each round either finishes or marks one more migration as failed: at most steps + 1 rounds.
  for (let round = 0; round <= steps.length; round++) {
    const r = await offline(alembic, "upgrade", start ? `${start}:${target}` : target);
    const parts = splitRenderedSql(r.sql);
    for (const [revision, sql] of parts) {
      if (!wanted.has(revision) || out.has(revision)) continue;
      if (!r.ok && revision === r.stoppedIn) continue;
      out.set(revision, { ok: true, sql });
    }
    if (r.ok) break;
    if (!r.stoppedIn || failed.has(r.stoppedIn)) {
      // Alembic failed before its first migration (env.py, the scripts): nothing further renders.
      for (const s of steps) if (!out.has(s.revision)) out.set(s.revision, { ok: false, sql: "", reason: r.headline });
      break;
    }
    failed.add(r.stoppedIn);
    if (wanted.has(r.stoppedIn)) out.set(r.stoppedIn, { ok: false, sql: parts.get(r.stoppedIn) ?? "", reason: r.headline });
    start = r.stoppedIn;
  }
  for (const s of steps) if (!out.has(s.revision)) out.set(s.revision, { ok: false, sql: "", reason: "Alembic did not render it" });
  return out;
}

/** Alembic's offline output cut at its `-- Running upgrade a -> b` lines: revision → its SQL. */
export function splitRenderedSql(sql: string): Map<string, string> {
  const parts = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) parts.set(current, lines.join("\n"));
  };
  for (const line of sql.split("\n")) {
    const m = RUNNING.exec(line.trim());
    if (m && m[1] === "upgrade") {
      flush();
      current = m[3]!.trim();
      lines = [];
    } else if (current !== null) lines.push(line);
  }
  flush();
  return parts;
}
