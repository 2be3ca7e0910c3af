import "server-only";
import fs from "node:fs";
import path from "node:path";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import type { RevisionGraph } from "@/lib/graph/types";
import { lintMigrations } from "@/lib/lint/lint-migrations";
import { loadSqlParser } from "@/lib/lint/parse-sql";
import type { LintDialect, LintMigration, LintReport, RenderedSql } from "@/lib/lint/types";
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
  /** The environment's resolved URL: its dialect, and its live schema for type-aware rules. */
  url: string;
  versionTable: string;
  versionTableSchema: string | null;
  timeoutMs: number;
  versionNumWidth: number | null;
  /** How the preview ran Alembic, and its target: the migrations after one that stops the render are rendered from it. */
  alembic: Omit<PreviewSqlOptions, "direction" | "current" | "target" | "steps">;
  target: string;
}

const LINT_DIALECTS: Record<string, LintDialect> = { postgresql: "postgresql", sqlite: "sqlite", mysql: "mysql" };

/**
 * Lints a planned upgrade from the SQL its preview rendered (split per migration at Alembic's
 * `-- Running upgrade` lines; what comes after a migration that stopped the preview is rendered
 * from that migration), the migration files, and the environment's live schema read while Alembic
 * renders. Undefined for a dialect lint does not know.
 */
export async function lintPlannedPath(i: LintPlannedPathInput): Promise<Pick<LintReport, "findings" | "notApplicable"> | undefined> {
  const dialect = LINT_DIALECTS[dialectOfUrl(i.url)];
  if (!dialect || i.steps.length === 0) return undefined;
  const [preview, snapshot] = await Promise.all([
    i.preview,
    readEnvironmentSnapshot({ url: i.url, baseDir: i.rootDir, versionTable: i.versionTable, versionTableSchema: i.versionTableSchema, timeoutMs: i.timeoutMs }).catch(() => undefined),
    loadSqlParser(),
  ]);
  const parts = splitRenderedSql(preview.sql);
  const failed = new Map(preview.notPreviewed.map((n) => [n.revision, n.reason]));
  // The preview stops at a migration it cannot render; lint renders the rest starting from it, so
  // one data migration does not hide what comes after it.
  const resumed = new Map<string, RenderedSql | undefined>();
  const stoppedIn = preview.mode === "range" ? preview.notPreviewed[0]?.revision : undefined;
  if (stoppedIn && preview.skipped.length) {
    const steps = preview.skipped.map((revision) => ({ revision, downRevisions: i.graph.revisions.get(revision)?.downRevisions ?? [] }));
    for (const [revision, r] of await renderMigrationSql({ ...i.alembic, steps, from: [stoppedIn], target: i.target }).catch(() => new Map<string, RenderedSql | undefined>())) {
      resumed.set(revision, r);
    }
  }
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
    ...(snapshot?.ok ? { schema: snapshot.snapshot } : {}),
    ...(i.versionNumWidth ? { versionNumWidth: i.versionNumWidth } : {}),
    versionTable: i.versionTable,
  });
  return { findings: report.findings, notApplicable: report.notApplicable };
}
