// cairn rehearse — play an environment's pending migrations on a throwaway copy of it, then round-trip them.
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import type { ConfigEnvironment, ConfigProject } from "@/lib/config/cairn-config";
import { pickConfigTarget, resolveConfigUrl } from "@/cli/config-target";
import { parseCommandArgs, type CommandOptions } from "@/cli/parse-command-args";
import { AppError, isAppError } from "@/lib/errors";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { downgradePath, upgradePath } from "@/lib/graph/migration-path";
import type { MigrationPath } from "@/lib/graph/types";
import { rehearsePath } from "@/lib/rehearsal/rehearse-path";
import { sweepScratchDatabases } from "@/lib/rehearsal/scratch-database";
import { isMysqlUrl } from "@/lib/targets/parse-mysql-url";
import { toRehearsalJson, type RehearsalResult } from "@/lib/rehearsal/types";
import { scrubSecrets } from "@/lib/secrets/mask-url";
import { urlScheme } from "@/lib/targets/read-version-table";

export interface RehearseIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const USAGE = `Usage: cairn rehearse --config FILE --project NAME --env NAME [--to REV] [--json]

Copies the environment's schema (and version table) into a throwaway database, runs the
migrations from where it stands to REV there with the project's Alembic, one at a time, then
round-trips: downgrades back and compares the schema with the start, upgrades again and compares
with the first result. The environment itself is only read.
  --config FILE   the configuration (default: $CAIRN_CONFIG or ./cairn.config.json)
  --project NAME  the project (may be left out when the configuration has one)
  --env NAME      the environment whose copy is rehearsed on
  --to REV        the target revision (default: heads); an older revision rehearses a downgrade
  --json          print {"ok","from","to","steps":[…],"roundTrip":{"checked","reversible","differences"}}

Exit status: 0 every step passed and the round trip is reversible (or there is nothing to run);
1 a step failed or the round trip is not reversible; 2 bad usage or configuration.
`;

const defaultIo = (): RehearseIo => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

const OPTIONS = {
  config: { type: "string", short: "c" },
  project: { type: "string" },
  env: { type: "string" },
  to: { type: "string" },
  json: { type: "boolean" },
} satisfies CommandOptions;

function usageError(io: RehearseIo, message: string): number {
  io.stderr(`cairn rehearse: ${message}\n\n${USAGE}`);
  return 2;
}

function formatText(r: RehearsalResult, project: ConfigProject, env: ConfigEnvironment): string {
  const lines = [`${project.name}/${env.name}: ${r.headline}`];
  for (const s of r.steps) {
    lines.push(`  ${s.ok ? "ok  " : "FAIL"} ${s.direction.padEnd(9)} ${s.revision.padEnd(14)} ${String(s.ms).padStart(6)} ms  ${s.phase === "path" ? "" : `(round trip: ${s.phase})`}${s.error ? `  ${s.error}` : ""}`);
  }
  if (r.roundTrip.differences.length) lines.push("Round trip differences:", ...r.roundTrip.differences.map((d) => `  - ${d}`));
  const failed = r.steps.find((s) => !s.ok);
  if (failed?.log) lines.push("", `Alembic's output for ${failed.revision}:`, ...failed.log.split("\n").map((l) => `  ${l}`));
  return `${lines.join("\n")}\n`;
}

/** Entry point for `cairn rehearse`; returns the exit code. */
export async function run(argv: string[], io: RehearseIo = defaultIo()): Promise<number> {
  const parsed = parseCommandArgs(argv[0] === "rehearse" ? argv.slice(1) : argv, OPTIONS);
  if ("help" in parsed) {
    io.stdout(USAGE);
    return 0;
  }
  if ("problem" in parsed) return usageError(io, parsed.problem === "missing-value" ? `${parsed.option} needs a value` : `unknown argument "${"arg" in parsed ? parsed.arg : ""}"`);
  const opts = { ...parsed.values, json: parsed.values.json === true };
  if (!opts.env) return usageError(io, "--env is required");

  const secrets: string[] = [];
  let result: RehearsalResult;
  let project: ConfigProject;
  let env: ConfigEnvironment;
  try {
    const target = pickConfigTarget(opts, io.cwd, io.env);
    project = target.project;
    env = target.env!;
    const url = target.url!;
    const serverUrl = project.rehearsal.url ? resolveConfigUrl(project.rehearsal.url, io.env, `${project.name}'s rehearsal server`) : null;
    secrets.push(url, ...(serverUrl ? [serverUrl] : []));
    const scheme = urlScheme(url);
    const { project: loaded, graph } = readProjectGraph(project.alembicPath, { constants: project.constants });
    const rootDir = loaded.location.rootDir;
    const read = await readVersionTable({ url, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: Math.max(env.timeoutMs, 3000), baseDir: rootDir });
    if (!read.ok) throw new AppError("unreachable", `read ${env.name}: ${read.reason}`, `Cairn could not read ${env.name}'s version table: ${read.message}.`);
    const from = read.tableExists ? read.revisions : [];
    const to = opts.to ?? "heads";
    let p: MigrationPath;
    try {
      p = upgradePath(graph, from, to);
    } catch (e) {
      try {
        p = downgradePath(graph, from, to);
      } catch {
        throw e;
      }
    }
    // A rehearsal killed earlier (a cancelled CI job) may have left its copy behind.
    if (scheme === "postgresql" || scheme === "postgres") await sweepScratchDatabases([serverUrl ?? url]).catch(() => undefined);
    if (scheme === "mysql" || scheme === "mariadb") await sweepScratchDatabases([serverUrl && isMysqlUrl(serverUrl) ? serverUrl : url]).catch(() => undefined);
    if (!opts.json) io.stderr(`cairn rehearse: ${project.name}/${env.name} from ${from.join(", ") || "base"}: ${p.steps.length} migration${p.steps.length === 1 ? "" : "s"} to rehearse\n`);
    const configFile = loaded.location.configFile?.endsWith(".ini") ? loaded.location.configFile : undefined;
    result = await rehearsePath({
      targetUrl: url,
      serverUrl,
      projectDir: rootDir,
      alembic: { command: project.command, configFile, urlEnvVar: project.urlEnvVar, xArgs: project.xArgs },
      versionTable: env.versionTable,
      versionTableSchema: env.versionTableSchema,
      graph,
      from,
      direction: p.direction,
      steps: p.steps,
      withData: env.rehearsal.withData ? { maxBytes: env.rehearsal.maxDataMb * 1_048_576 } : null,
      onProgress: opts.json ? undefined : (g) => io.stderr(`  ${g.label}\n`),
    });
  } catch (e) {
    io.stderr(`cairn rehearse: ${scrubSecrets(isAppError(e) ? e.userMessage : "the rehearsal could not run", secrets)}\n`);
    return 2;
  }
  if (opts.json) io.stdout(`${JSON.stringify(toRehearsalJson(result), null, 2)}\n`);
  else io.stdout(formatText(result, project, env));
  const nothingToRun = result.steps.length === 0;
  return result.ok || nothingToRun ? 0 : 1;
}
