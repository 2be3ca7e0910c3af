// cairn status — where each environment of each configured project stands.
import { parseCommandArgs } from "@/cli/parse-command-args";
import { loadCairnConfig } from "@/lib/config/cairn-config";
import { isAppError } from "@/lib/errors";
import { configProjectStatusInput } from "@/lib/targets/config-project-status-input";
import { readProjectStatus } from "@/lib/targets/read-project-status";
import { scrubSecrets } from "@/lib/secrets/mask-url";
import type { EnvironmentStatus, ProjectStatus } from "@/lib/targets/types";
import { describeEditedAppliedFile, type EditedAppliedFile } from "@/lib/applied-files/describe-edited-file";

export interface StatusIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const USAGE = `Usage: cairn status [--config FILE] [--json] [--store]

Reads every environment's Alembic version table and shows where it stands.
  --config FILE  the configuration to read (default: $CAIRN_CONFIG or ./cairn.config.json)
  --json         print {"projects":[{"name","heads","environments":[…]}]}
  --store        also list migrations edited after they were applied to an environment, from Cairn's
                 store (DATABASE_URL, as the server uses it; JSON: "editedAfterApplied")

Exit status: 0 all readable and known; 1 an environment is unreachable or stamped at an
unknown revision; 2 bad usage or an unreadable configuration.
`;

const defaultIo = (): StatusIo => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

/** Entry point for `cairn status`; returns the exit code. */
export async function run(argv: string[], io: StatusIo = defaultIo()): Promise<number> {
  const args = argv[0] === "status" ? argv.slice(1) : [...argv];
  const parsed = parseCommandArgs(args, { json: { type: "boolean" }, store: { type: "boolean" }, config: { type: "string", short: "c" } });
  if ("help" in parsed) {
    io.stdout(USAGE);
    return 0;
  }
  if ("problem" in parsed) {
    if (parsed.problem === "missing-value") return usageError(io, `${parsed.option} needs a file path`);
    return usageError(io, `unknown argument "${parsed.arg}"`);
  }
  const { config: configFile, json = false, store = false } = parsed.values;
  if (store && !io.env.DATABASE_URL) return usageError(io, "--store reads Cairn's store: set DATABASE_URL to it, as for the server");
  const path = await import("node:path");
  const file = path.resolve(io.cwd, configFile ?? io.env.CAIRN_CONFIG ?? "cairn.config.json");

  let projects: ProjectStatus[];
  try {
    const config = loadCairnConfig(file);
    const literalUrls = config.projects.flatMap((p) => p.environments.map((e) => e.url));
    projects = [];
    for (const p of config.projects) {
      try {
        projects.push(await readProjectStatus(configProjectStatusInput(p, io.env)));
      } catch (e) {
        io.stderr(`cairn status: project "${p.name}": ${scrubSecrets(isAppError(e) ? e.userMessage : String((e as Error)?.message ?? e), literalUrls)}\n`);
        return 2;
      }
    }
  } catch (e) {
    io.stderr(`cairn status: ${isAppError(e) ? e.userMessage : "could not read the configuration"}\n`);
    return 2;
  }

  let edited: Record<string, StoredEdit[]> | undefined;
  if (store) {
    try {
      edited = await readStoredEdits(
        io.env.DATABASE_URL!,
        projects.map((p) => p.name),
        io.env,
      );
    } catch (e) {
      io.stderr(`cairn status: could not read Cairn's store: ${isAppError(e) ? e.userMessage : scrubSecrets(String((e as Error)?.message ?? e), [io.env.DATABASE_URL!])}\n`);
      return 2;
    }
  }
  const withEdits = edited ? projects.map((p) => ({ ...p, editedAfterApplied: edited[p.name] ?? [] })) : projects;
  if (json) io.stdout(JSON.stringify({ projects: withEdits }, null, 2) + "\n");
  else io.stdout(formatStatusTable(withEdits));
  const bad = projects.some((p) => p.environments.some((e) => e.state === "unreachable" || e.state === "unknown-revision"));
  return bad ? 1 : 0;
}

type StoredEdit = EditedAppliedFile & { message: string };

/** Migrations edited after they were applied, per project name, from Cairn's store (projects it does not know are left out). */
async function readStoredEdits(databaseUrl: string, names: string[], env: Record<string, string | undefined>): Promise<Record<string, StoredEdit[]>> {
  const { openStore } = await import("@/lib/db/client");
  const { readProjectAppliedFileEdits } = await import("@/lib/applied-files/read-project-applied-file-edits");
  const { getSecretKey } = await import("@/lib/secrets/get-secret-key");
  let key: Buffer | undefined;
  try {
    key = getSecretKey();
  } catch {
    key = undefined;
  }
  const s = await openStore({ databaseUrl });
  try {
    const out: Record<string, StoredEdit[]> = {};
    for (const name of names) {
      if (!(await s.db.project.findUnique({ where: { name }, select: { id: true } }))) continue;
      out[name] = (await readProjectAppliedFileEdits(s.db, name, { key, env })).map((e) => ({ ...e, message: describeEditedAppliedFile(e) }));
    }
    return out;
  } finally {
    await s.close();
  }
}

function usageError(io: StatusIo, message: string): number {
  io.stderr(`cairn status: ${message}\n\n${USAGE}`);
  return 2;
}

const short = (rev: string) => (rev.length > 12 ? `${rev.slice(0, 12)}…` : rev);

/** The human table: one block per project, one row per environment in promotion order. */
export function formatStatusTable(projects: (ProjectStatus & { editedAfterApplied?: { message: string }[] })[]): string {
  const out: string[] = [];
  for (const p of projects) {
    out.push(`${p.name}  (heads: ${p.heads.map(short).join(", ") || "none"})`);
    const rows = p.environments.map((e) => [e.name, e.state, e.revisions.map(short).join(", ") || "-", e.pending.length ? String(e.pending.length) : "-", note(e)]);
    const header = ["ENVIRONMENT", "STATE", "REVISIONS", "PENDING", "NOTE"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      "  " +
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd();
    out.push(line(header));
    for (const r of rows) out.push(line(r));
    for (const e of p.editedAfterApplied ?? []) out.push(`  edited after applied: ${e.message}`);
    out.push("");
  }
  return out.join("\n");
}

function note(e: EnvironmentStatus): string {
  const parts: string[] = [];
  if (e.error) parts.push(e.error);
  if (e.tooLong.length) parts.push(`${e.tooLong.length} revision id(s) longer than version_num (${e.versionNumWidth}): ${e.tooLong.map(short).join(", ")}`);
  return parts.join("; ");
}
