import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isAppError } from "@/lib/errors";
import { normaliseCommand, normaliseXArgs, runAlembic } from "@/lib/runner/run-alembic";
import { CHECK_REQUIREMENTS, parseAlembicVersion, supportsCheck } from "@/lib/drift-service/parse-alembic-version";
import { readLiveRevisions } from "@/lib/drift-service/read-live-environment";
import { loadProjectWithGraph, type UrlOptions } from "@/lib/projects/load-project";
import type { AuditActor } from "@/lib/audit/record-audit";

export type AlembicCheckResult =
  | { available: false; version: string | null; message: string }
  /** `ok`: the models and the database agree (exit 0). `output`: Alembic's own words, redacted. */
  | { available: true; version: string; ok: boolean; message: string; output: string };

const OUTPUT_TAIL = 60;

/**
 * `alembic check` against an environment: compares the project's models (target_metadata) with the
 * database and says whether a new migration would be generated. Only Alembic 1.9+ has it, so the
 * project's Alembic is asked its version first; an older or missing one is reported plainly.
 */
export async function runAlembicCheck(
  db: PrismaClient,
  i: { project: string; environment: string; timeoutMs?: number; /** Who asked, audited with each command Cairn runs for it. */ actor: AuditActor },
  opts: UrlOptions = {},
): Promise<AlembicCheckResult> {
  const { project, rootDir, configFile, environment } = await loadProjectWithGraph(db, i.project, opts);
  const env = environment(i.environment);
  const command = normaliseCommand(project.command);
  const xArgs = normaliseXArgs(project.xArgs);
  const audit = { db, actor: i.actor, projectId: project.id, environmentId: env.id, environment: env.name };

  let versionOutput: string;
  try {
    // No URL is needed to print the version.
    const r = await runAlembic({ command, cwd: rootDir, args: ["--version"], databaseUrl: "", timeoutMs: 30_000, audit: { ...audit, purpose: "version" } });
    versionOutput = r.exitCode === 0 ? r.output : "";
  } catch (e) {
    const why = isAppError(e) ? e.userMessage : "it could not be started";
    return { available: false, version: null, message: `alembic check is not available: Cairn could not run "${command.join(" ")} --version" (${why}); ${CHECK_REQUIREMENTS}.` };
  }
  const version = parseAlembicVersion(versionOutput);
  if (!version) {
    return {
      available: false,
      version: null,
      message: `alembic check is not available: "${command.join(" ")} --version" did not report a version; ${CHECK_REQUIREMENTS}.`,
    };
  }
  if (!supportsCheck(version)) {
    return { available: false, version: version.text, message: `alembic check is not available: this project's Alembic is ${version.text}; ${CHECK_REQUIREMENTS}.` };
  }

  const live = await readLiveRevisions(env, rootDir);
  if (!live.ok) return { available: true, version: version.text, ok: false, message: `${live.message}.`, output: "" };
  const r = await runAlembic({
    command,
    cwd: rootDir,
    configFile,
    xArgs,
    versionTable: env.versionTable,
    versionTableSchema: env.versionTableSchema,
    databaseUrl: live.url,
    urlEnvVar: project.urlEnvVar,
    args: ["check"],
    audit: { ...audit, purpose: "check" },
    timeoutMs: i.timeoutMs ?? 60_000,
  });
  const output = r.output.split("\n").slice(-OUTPUT_TAIL).join("\n");
  if (r.timedOut) return { available: true, version: version.text, ok: false, message: "alembic check did not finish in time and was stopped.", output };
  if (r.exitCode === 0) return { available: true, version: version.text, ok: true, message: `${env.name} matches the models: no new migration would be generated.`, output };
  return {
    available: true,
    version: version.text,
    ok: false,
    message: `alembic check found differences between the models and ${env.name} (or could not compare them; see its output).`,
    output,
  };
}
