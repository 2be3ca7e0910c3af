import "server-only";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isAppError } from "@/lib/errors";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { computeEnvironmentState } from "@/lib/targets/compute-environment-state";
import { readVersionTable } from "@/lib/targets/read-version-table";
import type { EnvironmentStatus, VersionTableReadResult } from "@/lib/targets/types";
import type { RevisionGraph } from "@/lib/graph/types";
import { loadProject, type UrlOptions } from "@/lib/projects/load-project";
import { scrubSecrets } from "@/lib/secrets/mask-url";
import type { ConnectionTestResult } from "@/lib/projects/test-environment-connection.types";

/** "Test connection": reads the environment's version table once and says in plain words where it stands. Never returns the URL. */
export async function testEnvironmentConnection(db: PrismaClient, projectName: string, envName: string, opts: UrlOptions = {}): Promise<ConnectionTestResult> {
  const { project, constants, environment } = await loadProject(db, projectName, opts);
  const env = environment(envName);
  const resolved = env.url;
  let graph: RevisionGraph | undefined;
  let graphProblem: string | undefined;
  let baseDir = path.dirname(project.alembicPath);
  try {
    const read = await readProjectGraphAsync(project.alembicPath, { constants });
    graph = read.graph;
    baseDir = read.project.location.rootDir;
  } catch (e) {
    graphProblem = isAppError(e) ? e.userMessage : "the project's migrations could not be read";
  }

  const checkedAt = new Date();
  const started = performance.now();
  const read: VersionTableReadResult = resolved.ok
    ? await readVersionTable({ url: resolved.url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs, baseDir })
    : { ok: false, reason: resolved.reason, message: resolved.message };
  const durationMs = Math.round(performance.now() - started);
  const status = graph ? computeEnvironmentState({ name: env.name, graph, read, checkedAt, durationMs }) : undefined;

  // Readers promise credential-free messages; scrub anyway, since this text goes straight to the page.
  const scrub = (text: string) => (resolved.ok ? scrubSecrets(text, [resolved.url]) : text);
  const table = env.versionTableSchema ? `${env.versionTableSchema}.${env.versionTable}` : env.versionTable;
  const result: ConnectionTestResult = {
    environment: env.name,
    connected: read.ok,
    state: status?.state ?? null,
    summary: scrub(describe(read, status, table, graphProblem)),
    revisions: read.ok ? read.revisions : [],
    pending: status?.pending ?? [],
    durationMs,
    checkedAt: checkedAt.toISOString(),
  };
  return result;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function describe(read: VersionTableReadResult, status: EnvironmentStatus | undefined, table: string, graphProblem: string | undefined): string {
  if (!read.ok) return `Could not read the database: ${read.message.replace(/\.$/, "")}.`;
  const at = read.revisions.length ? `at ${read.revisions.join(", ")}` : "";
  if (!status) {
    const found = !read.tableExists ? `there is no ${table} table` : read.revisions.length ? `${table} is ${at}` : `${table} is empty`;
    return `Connected: ${found}. Cairn could not compare it with the repo: ${(graphProblem ?? "the migrations could not be read").replace(/\.$/, "")}.`;
  }
  switch (status.state) {
    case "current":
      return `Connected: up to date, ${at} (the repo's head${read.revisions.length === 1 ? "" : "s"}).`;
    case "behind":
      return `Connected: behind, ${at}; ${plural(status.pending.length, "revision")} to apply.`;
    case "uninitialized":
      return `Connected, but there is no ${table} table: Alembic has not run against this database yet (${plural(status.pending.length, "revision")} to apply).`;
    case "empty":
      return `Connected: the ${table} table exists but holds no revision (everything was downgraded).`;
    case "unknown-revision":
      return `Connected, ${at}, but the repo lacks ${status.unknownRevisions?.join(", ") ?? "that revision"}: a branch never merged, or a newer release.`;
    case "unreachable":
      return `Could not read the database: ${(status.error ?? "unknown error").replace(/\.$/, "")}.`;
  }
}
