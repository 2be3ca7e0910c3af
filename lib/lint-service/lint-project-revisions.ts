import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { readWatchedProjectGraph } from "@/lib/project-graph/read-watched-project-graph";
import type { AuditActor } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { upgradePath } from "@/lib/graph/migration-path";
import { lintMigrations } from "@/lib/lint/lint-migrations";
import { loadSqlParser } from "@/lib/lint/parse-sql";
import { asLintDialect, OFFLINE_LINT_URLS, type LintDialect, type LintFinding, type LintRuleId } from "@/lib/lint/types";
import { loadProject, type UrlOptions } from "@/lib/projects/load-project";
import { dialectOfUrl } from "@/lib/runner/describe-run-failure";
import { renderMigrationSql } from "@/lib/runner/render-migration-sql";
import { setBounded } from "@/lib/bounded-map";
import { summarizeRevisionLint, type RevisionLintCounts } from "@/lib/lint/summarize-revision-lint";

/** Each revision's findings, linted against its own parent: tables from earlier migrations count as existing. */
export type ProjectRevisionLint = { ok: true; dialect: LintDialect; version: string; revisions: Record<string, LintFinding[]> } | { ok: false; message: string };

/**
 * What is kept per graph version: the findings, the badges derived from them once (so a request
 * slices, never recounts 5,000 revisions), and the project id and the migration files' paths of the
 * revisions with findings (for admins' acknowledgements, which change without the files changing).
 */
export interface RevisionLintEntry {
  answer: ProjectRevisionLint;
  projectId: string;
  summary: { rules: LintRuleId[]; revisions: Record<string, RevisionLintCounts> } | null;
  paths: Map<string, { path?: string | undefined }>;
}

// One render of a whole history is one Alembic start plus one per migration that stops it (≈1 s each
// here), so it is kept per project and graph version (the migration files' contents and how Alembic
// is run): the graph page asks on every visit, the files change only with a deploy. A few versions per
// project are kept so a deploy in progress does not thrash; a failure is not kept.
const MAX_CACHED = 16;
const cache: Map<string, Promise<RevisionLintEntry>> = ((globalThis as { __cairnRevisionLintEntries?: Map<string, Promise<RevisionLintEntry>> }).__cairnRevisionLintEntries ??= new Map());

/** The cache key last found for a shown graph version (project, watched version, how Alembic is run). */
const keyOfShown = new Map<string, string>();

/**
 * Lints every revision of a project once per graph version. The render and its `command.run` audit row
 * (purpose "lint", under `actor`) happen only for the request that finds no cached answer.
 */
export async function lintProjectRevisions(db: PrismaClient, i: { project: string; actor: AuditActor } & UrlOptions): Promise<ProjectRevisionLint> {
  return (await lintProjectRevisionEntry(db, i)).answer;
}

/** lintProjectRevisions with what is kept beside the findings (RevisionLintEntry): the routes slice this. */
export async function lintProjectRevisionEntry(db: PrismaClient, i: { project: string; actor: AuditActor } & UrlOptions): Promise<RevisionLintEntry> {
  const { project, environments, constants } = await loadProject(db, i.project, i);
  // The dialect of the project's first environment whose URL resolves (PostgreSQL when none does).
  let dialect: LintDialect = "postgresql";
  for (const { url } of environments) {
    if (url.ok) {
      dialect = asLintDialect(dialectOfUrl(url.url)) ?? "postgresql";
      break;
    }
  }
  // While the graph the pages show is unchanged (readWatchedProjectGraph: file events, at most a minute
  // old), the answer found for it last time is given without reading and hashing every file again: for
  // 5,000 revisions that read held the server's event loop for about a second on every graph page visit.
  const watched = await readWatchedProjectGraph(project.alembicPath, { constants });
  const shownKey = JSON.stringify([project.id, watched.version, dialect, project.command, project.xArgs, project.urlEnvVar]);
  const known = keyOfShown.get(shownKey);
  const cached = known === undefined ? undefined : cache.get(known);
  if (cached) return cached;
  const { project: loaded, graph } = await readProjectGraphAsync(project.alembicPath, { constants });
  const rootDir = loaded.location.rootDir;
  const files = [...graph.revisions.entries()]
    .filter(([, r]) => r.path)
    .map(([id, r]) => ({ id, path: r.path }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const sources = new Map(await Promise.all(files.map(async (r) => [r.id, await fs.promises.readFile(r.path!, "utf8").catch(() => null)] as const)));
  const hash = crypto.createHash("sha256");
  hash.update(JSON.stringify([dialect, project.command, project.xArgs, project.urlEnvVar, loaded.location.configFile ?? null]));
  for (const r of files) hash.update(`\0${r.id}\0${sources.get(r.id) ?? ""}`);
  const version = hash.digest("hex").slice(0, 16);
  const key = `${project.id}:${version}`;
  setBounded(keyOfShown, shownKey, key, MAX_CACHED);
  let answer = cache.get(key);
  if (!answer) {
    answer = compute();
    setBounded(cache, key, answer, MAX_CACHED);
    answer.then((a) => !a.answer.ok && cache.delete(key)).catch(() => cache.delete(key));
  }
  return answer;

  async function compute(): Promise<RevisionLintEntry> {
    const plan = upgradePath(graph, [], "heads");
    const steps = plan.steps.map((revision) => ({ revision, downRevisions: graph.revisions.get(revision)?.downRevisions ?? [] }));
    const configFile = loaded.location.configFile?.endsWith(".ini") ? loaded.location.configFile : undefined;
    try {
      const [rendered] = await Promise.all([
        renderMigrationSql({
          command: project.command,
          cwd: rootDir,
          ...(configFile ? { configFile } : {}),
          databaseUrl: OFFLINE_LINT_URLS[dialect],
          urlEnvVar: project.urlEnvVar,
          xArgs: project.xArgs,
          timeoutMs: 300_000,
          audit: { db, actor: i.actor, purpose: "lint", projectId: project.id },
          steps,
          from: [],
          target: "heads",
        }),
        loadSqlParser(),
      ]);
      const revisions: Record<string, LintFinding[]> = {};
      for (const { revision } of steps) {
        const file = graph.revisions.get(revision)?.path;
        const r = rendered.get(revision);
        // Alone, so tables an earlier migration created are existing ones: the finding holds whichever path runs it.
        const report = lintMigrations({
          dialect,
          migrations: [{ revision, file: file ? path.relative(rootDir, file) : "", source: sources.get(revision) ?? null, ...(r ? { rendered: r } : {}) }],
        });
        revisions[revision] = report.findings;
      }
      const paths = new Map<string, { path?: string | undefined }>();
      for (const [id, findings] of Object.entries(revisions)) if (findings.length) paths.set(id, { path: graph.revisions.get(id)?.path });
      return { answer: { ok: true, dialect, version, revisions }, projectId: project.id, summary: summarizeRevisionLint(revisions), paths };
    } catch (e) {
      console.error(`lint of every revision of ${project.name} failed`, e);
      const why = (e instanceof AppError ? e.userMessage : e instanceof Error ? e.message : "").split("\n")[0] ?? "";
      return { answer: { ok: false, message: `Lint could not check this project's migrations${why ? `: ${why.slice(0, 200)}` : ""}. Reload to try again.` }, projectId: project.id, summary: null, paths: new Map() };
    }
  }
}
