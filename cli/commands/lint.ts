// cairn lint — what the migrations of a path will do to a database, from the SQL Alembic renders for each.
// Not audited: it runs Alembic offline as the operator's own OS user (as `alembic upgrade --sql` by hand
// would), reads no store even with --config (the config holds none), and has no Cairn identity to name.
import fs from "node:fs";
import path from "node:path";
import { parseCommandArgs, type CommandOptions } from "@/cli/parse-command-args";
import { pickConfigTarget } from "@/cli/config-target";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { readVersionTable } from "@/lib/targets/read-version-table";
import { AppError, isAppError } from "@/lib/errors";
import { lintProjectPath, type LintProjectPathResult } from "@/lib/lint-service/lint-project-path";
import { toSarif } from "@/lib/lint/to-sarif";
import { asLintDialect, LINT_DIALECTS, OFFLINE_LINT_URLS, type LintDialect, type LintFinding } from "@/lib/lint/types";
import { scrubSecrets } from "@/lib/secrets/mask-url";
import { dialectOfUrl } from "@/lib/runner/describe-run-failure";

const USAGE = `Usage: cairn lint [PATH] [--config FILE --project NAME --env NAME] [--from REV] [--to REV]
                  [--dialect postgresql|sqlite|mysql] [--json] [--sarif FILE]

Renders each migration of an upgrade path as SQL with the project's Alembic (offline, --sql: no
database is touched), parses it with PostgreSQL's parser and reports what would lock, lose data,
break deployed code or fail: dropped or renamed tables and columns, type changes, NOT NULL without
a default, indexes and constraints that block writes, JSONB operators on json, row-by-row
backfills, irreversible downgrades, over-long revision ids.

  PATH            the Alembic project: alembic.ini, pyproject.toml or a directory holding one
                  (default: the current directory; ignored with --config)
  --config FILE   read the project from a cairn.config.json (default $CAIRN_CONFIG when --project is given)
  --project NAME  the configured project (needed when the configuration has several)
  --env NAME      lint the path from where this environment stands, with its live schema
                  (type-aware rules) and its version_num width
  --from REV      start after this revision (default: the environment's revisions, else base;
                  tables created before it count as existing)
  --to REV        lint up to this revision (default: heads)
  --dialect D     postgresql (default), sqlite or mysql; taken from --env's URL when given
  --json          print {"findings":[{"rule","severity","revision","file","line","statement","message","fix"}],"migrations":N}
  --sarif FILE    also write the findings as SARIF 2.1.0 (code-scanning annotations)

A finding is acknowledged by a comment on its line (or the line above) or in the migration's
docstring: "# cairn: allow <rule> — <reason>". Acknowledged findings are listed, not counted.

Exit status: 0 no unacknowledged error-level finding; 1 at least one; 2 bad usage or configuration.
`;

export interface LintIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const defaultIo = (): LintIo => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

interface Args {
  target?: string;
  config?: string;
  project?: string;
  env?: string;
  from?: string;
  to?: string;
  dialect?: LintDialect;
  json: boolean;
  sarif?: string;
}

const OPTIONS = {
  config: { type: "string", short: "c" },
  project: { type: "string" },
  env: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  dialect: { type: "string" },
  json: { type: "boolean" },
  sarif: { type: "string" },
} satisfies CommandOptions;

function parseLintArgs(argv: string[]): Args | { help: true } | { error: string } {
  const p = parseCommandArgs(argv, OPTIONS, { positionals: 1 });
  if ("help" in p) return p;
  if ("problem" in p) {
    if (p.problem === "unknown-option") return { error: `unknown option "${p.arg}"` };
    if (p.problem === "missing-value") return { error: `${p.option} needs a value` };
    return { error: `only one PATH may be given (got "${p.before[0]}" and "${p.arg}")` };
  }
  const { dialect, json, ...rest } = p.values;
  if (dialect !== undefined && !asLintDialect(dialect)) return { error: `--dialect must be one of ${LINT_DIALECTS.join(", ")} (got "${dialect}")` };
  const a: Args = { ...rest, json: json === true, ...(dialect ? { dialect: dialect as LintDialect } : {}), ...(p.positionals[0] ? { target: p.positionals[0] } : {}) };
  if (a.env && !a.project && !a.config) return { error: "--env needs the project's configuration: add --config FILE (and --project NAME)" };
  return a;
}

/** Entry point for `cairn lint`; returns the exit code. */
export async function run(argv: string[], io: LintIo = defaultIo()): Promise<number> {
  const parsed = parseLintArgs(argv[0] === "lint" ? argv.slice(1) : argv);
  if ("help" in parsed) {
    io.stdout(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    io.stderr(`cairn lint: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const a = parsed;
  const secrets: string[] = [];
  let result: LintProjectPathResult;
  try {
    const configured = a.config || a.project || a.env ? pickConfigTarget(a, io.cwd, io.env) : undefined;
    const project = configured?.project;
    const envUrl = configured?.url;
    if (envUrl) secrets.push(envUrl);
    const env = configured?.env;
    const dialect = a.dialect ?? (envUrl ? asLintDialect(dialectOfUrl(envUrl)) : undefined) ?? "postgresql";

    let from: string[] = a.from ? [a.from] : [];
    let schema: SchemaSnapshot | undefined;
    let versionNumWidth: number | undefined;
    const alembicPath = project?.alembicPath ?? path.resolve(io.cwd, a.target ?? ".");
    if (env && envUrl) {
      const baseDir = fs.statSync(alembicPath).isDirectory() ? alembicPath : path.dirname(alembicPath);
      const read = { url: envUrl, versionTable: env.versionTable, versionTableSchema: env.versionTableSchema, timeoutMs: env.timeoutMs, baseDir };
      const [version, snapshot] = await Promise.all([readVersionTable(read), readEnvironmentSnapshot(read)]);
      if (!version.ok) throw new AppError("unreachable", `read ${env.name}: ${version.reason}`, `Cannot read ${env.name}'s version table: ${version.message}.`);
      if (!a.from) from = version.revisions;
      versionNumWidth = version.versionNumWidth;
      if (snapshot.ok) schema = snapshot.snapshot;
      else io.stderr(`cairn lint: ${env.name}'s schema could not be read (${snapshot.message}); type-aware rules use only what the path itself creates.\n`);
    }
    result = await lintProjectPath({
      alembicPath,
      ...(project?.constants ? { constants: project.constants } : {}),
      from,
      to: a.to ?? "heads",
      dialect,
      command: project?.command ?? ["alembic"],
      ...(project ? { urlEnvVar: project.urlEnvVar, xArgs: project.xArgs } : {}),
      ...(env ? { versionTable: env.versionTable, versionTableSchema: env.versionTableSchema } : {}),
      databaseUrl: envUrl ?? OFFLINE_LINT_URLS[dialect],
      ...(schema ? { schema } : {}),
      ...(versionNumWidth ? { versionNumWidth } : {}),
    });
  } catch (e) {
    const message = isAppError(e) ? e.userMessage : `could not lint: ${(e as Error)?.message ?? String(e)}`;
    io.stderr(`cairn lint: ${scrubSecrets(message, secrets)}\n`);
    return 2;
  }

  const { report } = result;
  if (a.sarif) {
    const sarifFile = path.resolve(io.cwd, a.sarif);
    // Code scanning resolves URIs against the repository root, where CI runs the command.
    const uriOf = (file: string) => {
      const abs = path.resolve(result.rootDir, file);
      const rel = path.relative(io.cwd, abs);
      return rel.startsWith("..") || path.isAbsolute(rel) ? new URL(`file://${abs}`).href : rel.split(path.sep).join("/");
    };
    try {
      fs.writeFileSync(sarifFile, JSON.stringify(toSarif(report, { uriOf }), null, 2) + "\n");
    } catch (e) {
      io.stderr(`cairn lint: cannot write the SARIF file ${sarifFile}: ${(e as Error).message.split("\n")[0]}\n`);
      return 2;
    }
  }
  if (a.json) {
    const findings = report.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      revision: f.revision,
      file: f.file,
      line: f.line,
      statement: f.statement,
      message: f.message,
      fix: f.fix,
      ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
    }));
    io.stdout(JSON.stringify({ findings, migrations: report.migrations, notApplicable: report.notApplicable }, null, 2) + "\n");
  } else io.stdout(formatReport(result));
  return report.errors > 0 ? 1 : 0;
}

function formatFinding(f: LintFinding): string {
  const where = `${f.file}${f.line ? `:${f.line}` : ""}`;
  const lines = [`${where}  ${f.severity}  ${f.rule}  (${f.revision})`, `  ${f.message}`];
  if (f.statement) lines.push(`  SQL: ${f.statement}`);
  lines.push(f.acknowledged ? `  Acknowledged: ${f.acknowledged}` : `  Fix: ${f.fix}`);
  return lines.join("\n");
}

/** The human report: counted findings first, then acknowledged ones, then what was not checked. */
export function formatReport(r: LintProjectPathResult): string {
  const { report } = r;
  const counted = report.findings.filter((f) => !f.acknowledged);
  const acked = report.findings.filter((f) => f.acknowledged);
  const out: string[] = [];
  const range = `${r.from.length ? r.from.join(", ") : "base"} → ${r.steps[r.steps.length - 1] ?? "(nothing to upgrade)"}`;
  out.push(`Linted ${report.migrations} migration(s), ${range}.`, "");
  for (const f of counted) out.push(formatFinding(f), "");
  if (acked.length) {
    out.push(`Acknowledged (${acked.length}, not counted):`, "");
    for (const f of acked) out.push(formatFinding(f), "");
  }
  const byReason = new Map<string, string[]>();
  for (const n of report.notApplicable) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.rule]);
  for (const [reason, rules] of byReason) out.push(`Not checked: ${rules.join(", ")} — ${reason}.`, "");
  const warnings = counted.filter((f) => f.severity !== "error").length;
  out.push(`${report.errors} error(s), ${warnings} warning(s), ${acked.length} acknowledged.`);
  return out.join("\n") + "\n";
}
