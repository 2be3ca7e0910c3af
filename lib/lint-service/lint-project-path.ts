import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { ConstantsTable } from "@/lib/alembic/read-migration-file";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { upgradePath } from "@/lib/graph/migration-path";
import { resolveRevisions } from "@/lib/graph/resolve-revisions";
import type { RevisionGraph } from "@/lib/graph/types";
import { lintMigrations } from "@/lib/lint/lint-migrations";
import { loadSqlParser } from "@/lib/lint/parse-sql";
import type { LintDialect, LintMigration, LintReport } from "@/lib/lint/types";
import { renderMigrationSql } from "@/lib/runner/render-migration-sql";

export interface LintProjectPathOptions {
  /** alembic.ini, pyproject.toml, a directory holding one, or a versions directory. */
  alembicPath: string;
  constants?: ConstantsTable;
  /** Where the path starts: the environment's current revisions, [] for base (a revision spec such as a prefix, "base" or "head" is resolved). */
  from: string[];
  /** Alembic's target (default "heads"). */
  to?: string;
  dialect: LintDialect;
  /** How Alembic is run, only as the project's configuration says. */
  command: string[];
  urlEnvVar?: string;
  xArgs?: string[];
  versionTable?: string;
  versionTableSchema?: string | null;
  /** Handed to Alembic for its offline render (no connection is made); it picks the dialect. */
  databaseUrl: string;
  schema?: SchemaSnapshot;
  versionNumWidth?: number;
  /** See renderMigrationSql. */
  mode?: "range" | "per-step";
  timeoutMs?: number;
}

export interface LintProjectPathResult {
  report: LintReport;
  graph: RevisionGraph;
  /** The project's directory, which findings' files are relative to. */
  rootDir: string;
  /** The resolved start of the path. */
  from: string[];
  /** The upgrade path linted, in run order. */
  steps: string[];
  /** Milliseconds spent in Alembic's offline render, and in Cairn's own reading and analysis. */
  timings: { renderMs: number; analyseMs: number };
}

/**
 * Lints the upgrade path of a project from `from` to `to`: reads the graph, renders each migration's
 * SQL offline with the project's real Alembic, and runs the pure lint over it.
 */
export async function lintProjectPath(o: LintProjectPathOptions): Promise<LintProjectPathResult> {
  const t0 = performance.now();
  const { project, graph } = readProjectGraph(o.alembicPath, o.constants ? { constants: o.constants } : {});
  const rootDir = project.location.rootDir;
  const to = o.to ?? "heads";
  const from = o.from.flatMap((spec) => (graph.revisions.has(spec) ? [spec] : resolveRevisions(graph, spec)));
  const plan = upgradePath(graph, from, to);
  const steps = plan.steps.map((revision) => ({ revision, downRevisions: graph.revisions.get(revision)?.downRevisions ?? [] }));
  const parser = loadSqlParser();
  const t1 = performance.now();

  const configFile = project.location.configFile?.endsWith(".ini") ? project.location.configFile : undefined;
  const rendered = await renderMigrationSql({
    command: o.command,
    cwd: rootDir,
    ...(configFile ? { configFile } : {}),
    databaseUrl: o.databaseUrl,
    urlEnvVar: o.urlEnvVar,
    xArgs: o.xArgs,
    versionTable: o.versionTable,
    versionTableSchema: o.versionTableSchema,
    timeoutMs: o.timeoutMs ?? 300_000,
    steps,
    from,
    target: to,
    mode: o.mode,
  });
  const t2 = performance.now();

  await parser;
  const migrations: LintMigration[] = plan.steps.map((revision) => {
    const file = graph.revisions.get(revision)?.path;
    let source: string | null = null;
    try {
      source = file ? fs.readFileSync(file, "utf8") : null;
    } catch {
      source = null;
    }
    const r = rendered.get(revision);
    return { revision, file: file ? path.relative(rootDir, file) : "", source, ...(r ? { rendered: r } : {}) };
  });
  const report = lintMigrations({
    dialect: o.dialect,
    migrations,
    ...(o.schema ? { schema: o.schema } : {}),
    ...(o.versionNumWidth ? { versionNumWidth: o.versionNumWidth } : {}),
    versionTable: o.versionTable ?? "alembic_version",
  });
  const t3 = performance.now();
  return { report, graph, rootDir, from, steps: plan.steps, timings: { renderMs: t2 - t1, analyseMs: t1 - t0 + (t3 - t2) } };
}
