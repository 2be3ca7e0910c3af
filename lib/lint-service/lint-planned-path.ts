import "server-only";
import fs from "node:fs";
import type { LintUnavailable } from "@/lib/gates/types";
import path from "node:path";
import type { SchemaSnapshot } from "@/lib/drift/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { lintMigrations } from "@/lib/lint/lint-migrations";
import { loadSqlParser } from "@/lib/lint/parse-sql";
import { asLintDialect, type LintDialect, type LintMigration, type LintReport, type RenderedSql } from "@/lib/lint/types";
import { AppError } from "@/lib/errors";
import { dialectOfUrl } from "@/lib/runner/describe-run-failure";
import type { PreviewSqlOptions, SqlPreview } from "@/lib/runner/preview-sql";
import { renderMigrationSql, splitRenderedSql } from "@/lib/runner/render-migration-sql";

export interface LintPlannedPathInput {
  /** The plan's SQL preview, still rendering: lint reuses it instead of starting Alembic again. */
  preview: Promise<SqlPreview>;
  /** The upgrade path's steps in run order. */
  steps: string[];
  graph: Pick<RevisionGraph, "revisions">;
  rootDir: string;
  /** The environment's resolved URL: its dialect. */
  url: string;
  versionTable: string;
  /**
   * The environment's live schema for the type-aware rules: the plan's one reading of its target, taken
   * while Alembic renders and shared with the drift gate (no second read); null when it could not be read.
   */
  schema: Promise<SchemaSnapshot | null>;
  versionNumWidth: number | null;
  /**
   * How the preview ran Alembic, and its target: the migrations after one that stops the render are
   * rendered from it. Pass the preview's `audit` (purpose "lint" is used): each such render starts the
   * project's command and is audited as `command.run` under whoever planned the run.
   */
  alembic: Omit<PreviewSqlOptions, "direction" | "current" | "target" | "steps">;
  target: string;
}

/**
 * Lints a planned upgrade from the SQL its preview rendered (split per migration at Alembic's
 * `-- Running upgrade` lines; what comes after a migration that stopped the preview is rendered
 * from that migration), the migration files, and the environment's live schema the plan reads while
 * Alembic renders. Never throws: a dialect lint does not read or an empty path is `not-applicable`, and
 * anything that stops lint (the parser, a render, the rules) is `failed` with what failed, so the
 * lint gate can block instead of passing on silence.
 */
export async function lintPlannedPath(i: LintPlannedPathInput): Promise<PlannedPathLint> {
  const dialect = asLintDialect(dialectOfUrl(i.url));
  if (!dialect) return { lintUnavailable: { kind: "not-applicable", reason: `Lint reads PostgreSQL, SQLite and MySQL migrations; this environment's database (${dialectOfUrl(i.url)}) is none of them.` } };
  if (i.steps.length === 0) return { lintUnavailable: { kind: "not-applicable", reason: "No migration on this path." } };
  const stage = { what: "the SQL parser (libpg-query) could not be loaded" };
  try {
    return { lint: await lintPath(i, dialect, stage) };
  } catch (e) {
    // The cause's first line in plain words (an AppError's user message when there is one); the rest goes to the server log.
    console.error(`lint of ${i.steps.join(", ")} failed: ${stage.what}`, e);
    return { lintUnavailable: { kind: "failed", what: `${stage.what}: ${plainCause(e, i.rootDir)}` } };
  }
}

/** Either the lint of the path, or why there is none — a failure is never an empty report. */
export type PlannedPathLint = { lint: Pick<LintReport, "findings" | "notApplicable"> } | { lintUnavailable: LintUnavailable };

function plainCause(e: unknown, rootDir: string): string {
  const raw = e instanceof AppError ? e.userMessage : e instanceof Error ? e.message : String(e);
  const line = (raw.split("\n").find((l) => l.trim()) ?? "unknown error")
    .trim()
    .split(`${rootDir.replace(/\/+$/, "")}/`)
    .join("");
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

async function lintPath(i: LintPlannedPathInput, dialect: LintDialect, stage: { what: string }): Promise<Pick<LintReport, "findings" | "notApplicable">> {
  stage.what = "the SQL preview it reads failed";
  const [preview, snapshot] = await Promise.all([
    i.preview,
    i.schema.catch(() => null),
    loadSqlParser().catch((e: unknown) => {
      stage.what = "the SQL parser (libpg-query) could not be loaded";
      throw e;
    }),
  ]);
  const parts = splitRenderedSql(preview.sql);
  const failed = new Map(preview.notPreviewed.map((n) => [n.revision, n.reason]));
  // The preview stops at a migration it cannot render; lint renders the rest starting from it, so
  // one data migration does not hide what comes after it.
  const resumed = new Map<string, RenderedSql | undefined>();
  const stoppedIn = preview.mode === "range" ? preview.notPreviewed[0]?.revision : undefined;
  if (stoppedIn && preview.skipped.length) {
    const steps = preview.skipped.map((revision) => ({ revision, downRevisions: i.graph.revisions.get(revision)?.downRevisions ?? [] }));
    // A render that cannot start is a lint failure, not an empty render: it would hide these migrations' findings.
    stage.what = `Alembic could not be run to render the migrations after ${stoppedIn} (${preview.skipped.join(", ")})`;
    const audit = i.alembic.audit ? { ...i.alembic.audit, purpose: "lint" as const } : undefined;
    for (const [revision, r] of await renderMigrationSql({ ...i.alembic, ...(audit ? { audit } : {}), steps, from: [stoppedIn], target: i.target })) {
      resumed.set(revision, r);
    }
  }
  stage.what = "the lint rules stopped on an unexpected error";
  const migrations: LintMigration[] = await Promise.all(
    i.steps.map(async (revision) => {
      const file = i.graph.revisions.get(revision)?.path;
      const source = file ? await fs.promises.readFile(file, "utf8").catch(() => null) : null;
      let rendered: RenderedSql;
      if (failed.has(revision)) rendered = { ok: false, sql: parts.get(revision) ?? "", reason: failed.get(revision)! };
      else if (resumed.get(revision)) rendered = resumed.get(revision)!;
      else if (preview.skipped.includes(revision)) rendered = { ok: false, sql: "", reason: "Alembic stopped at an earlier migration of this path, so it never reached this one" };
      else rendered = { ok: true, sql: parts.get(revision) ?? "" };
      return { revision, file: file ? path.relative(i.rootDir, file) : "", source, rendered };
    }),
  );
  const report = lintMigrations({
    dialect,
    migrations,
    ...(snapshot ? { schema: snapshot } : {}),
    ...(i.versionNumWidth ? { versionNumWidth: i.versionNumWidth } : {}),
    versionTable: i.versionTable,
  });
  return { findings: report.findings, notApplicable: report.notApplicable };
}
