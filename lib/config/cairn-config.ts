import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { envRefRefusal, rawAtInPassword } from "@/lib/secrets/check-database-url";
import { DEFAULT_BACKUP_KEEP, DEFAULT_BACKUP_TIMEOUT_MINUTES, type BeforeRun } from "@/lib/backups/types";

/**
 * cairn.config.json: projects and their environments declared in code review rather than the UI.
 * Validated strictly so a typo ("protect": true) is an error naming the key, never a silently
 * unprotected production.
 */

/** A SQL identifier for the version table; quoted when used, but kept sane so mistakes surface here. */
const ZIdentifier = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, "must be a plain identifier (letters, digits, _ and $, not starting with a digit)");

const ZName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'");

/** A database URL in the configuration: `env:NAME` (resolved from the process environment at read time, within the env: policy) or a literal URL. */
const ZConfigUrl = z
  .string()
  .min(1)
  .refine((v) => !v.startsWith("env:") || /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(v), "an env: reference must look like env:VARIABLE_NAME")
  .superRefine((v, ctx) => {
    const name = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(v)?.[1];
    const refusal = name ? envRefRefusal(name) : v.startsWith("env:") ? undefined : rawAtInPassword(v);
    if (refusal) ctx.addIssue({ code: "custom", message: refusal });
  });

export const ZConfigEnvironmentSchema = z.strictObject({
  name: ZName,
  /** `env:NAME` (resolved from the process environment at read time) or a literal database URL. */
  url: ZConfigUrl,
  protected: z.boolean().optional(),
  versionTable: ZIdentifier.optional(),
  versionTableSchema: ZIdentifier.optional(),
  timeoutMs: z.int().min(100, "must be at least 100 (milliseconds)").max(120_000, "must be at most 120000 (milliseconds)").optional(),
  approvers: z.array(z.email()).optional(),
  /** Rehearsal on this environment: copy its rows too (small databases only), require a reversible round trip. */
  rehearsal: z
    .strictObject({
      withData: z.boolean().optional(),
      maxDataMb: z.int().min(1, "must be at least 1 (MB)").max(10_240, "must be at most 10240 (MB)").optional(),
      requireReversible: z.boolean().optional(),
      /** Require a passing rehearsal before a run (default: on protected environments). */
      required: z.boolean().optional(),
    })
    .optional(),
  /**
   * Before every upgrade, downgrade or promotion here: `{"backup": true}` (Cairn dumps the database into
   * CAIRN_BACKUP_DIR, keeping the newest `keep`) or `{"command": ["make", "backup-db"]}` (the operator's
   * program, run without a shell). A failure blocks the run.
   */
  beforeRun: z
    .strictObject({
      backup: z.literal(true, 'must be true (or leave beforeRun out); use "command" for a backup of your own').optional(),
      keep: z.int().min(1, "must be at least 1 (backups kept)").max(1000, "must be at most 1000 (backups kept)").optional(),
      command: z.array(z.string().min(1)).min(1, 'needs at least the program, e.g. ["make", "backup-db"]').optional(),
      timeoutMinutes: z
        .int()
        .min(1, "must be at least 1 (minutes)")
        .max(24 * 60, "must be at most 1440 (minutes)")
        .optional(),
    })
    .superRefine((b, ctx) => {
      if (b.backup && b.command) ctx.addIssue({ code: "custom", message: 'give either "backup": true or "command", not both' });
      else if (!b.backup && !b.command) ctx.addIssue({ code: "custom", message: 'needs "backup": true or "command": ["program", "arg", …]' });
      if (b.command && b.keep !== undefined) ctx.addIssue({ code: "custom", path: ["keep"], message: 'applies to Cairn\'s own backups only ("backup": true); your command keeps its own files' });
    })
    .optional(),
});

export const ZConfigProjectSchema = z.strictObject({
  name: ZName,
  /** alembic.ini, a directory holding one, or a versions directory — relative to the config file. */
  alembic: z.string().min(1),
  environments: z.array(ZConfigEnvironmentSchema).min(1, "needs at least one environment"),
  command: z.array(z.string().min(1)).min(1, 'needs at least the program, e.g. ["alembic"]').optional(),
  urlEnvVar: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
    .optional(),
  xArgs: z.array(z.string().regex(/^[^=\s]+=.*$/s, "must be key=value")).optional(),
  constants: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])).optional(),
  /** Where rehearsals make their scratch databases and how long a passing one counts. */
  rehearsal: z
    .strictObject({
      /** A PostgreSQL server URL (env:NAME or literal) where Cairn may create and drop databases; default each target's own server. */
      url: ZConfigUrl.optional(),
      maxAgeHours: z
        .number()
        .positive("must be more than 0 (hours)")
        .max(24 * 90, "must be at most 2160 (hours)")
        .optional(),
    })
    .optional(),
});

export const ZCairnConfigSchema = z
  .strictObject({
    projects: z.array(ZConfigProjectSchema).min(1, "declare at least one project"),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.projects.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: "custom", path: ["projects", i, "name"], message: `duplicate project name "${p.name}"; names must be unique` });
      seen.add(p.name);
      const envs = new Set<string>();
      p.environments.forEach((e, j) => {
        if (envs.has(e.name)) {
          ctx.addIssue({ code: "custom", path: ["projects", i, "environments", j, "name"], message: `duplicate environment name "${e.name}" in project "${p.name}"` });
        }
        envs.add(e.name);
      });
    });
  });

export type TCairnConfig = z.infer<typeof ZCairnConfigSchema>;
export type TConfigProject = z.infer<typeof ZConfigProjectSchema>;
export type TConfigEnvironment = z.infer<typeof ZConfigEnvironmentSchema>;

/** A project from the config with its paths made absolute and defaults filled in. */
export interface ConfigProject {
  name: string;
  /** Absolute path. */
  alembicPath: string;
  command: string[];
  urlEnvVar: string;
  xArgs: string[];
  constants: Record<string, string | string[] | null>;
  /** Rehearsal server (`env:NAME` or a literal URL, as written) and how long a passing rehearsal counts. */
  rehearsal: ConfigProjectRehearsal;
  environments: ConfigEnvironment[];
}

export interface ConfigProjectRehearsal {
  url: string | null;
  maxAgeHours: number;
}

export interface ConfigEnvironmentRehearsal {
  withData: boolean;
  maxDataMb: number;
  requireReversible: boolean;
  /** Absent: required where the environment is protected. */
  required?: boolean;
}

/** A passing rehearsal counts this long by default. */
export const DEFAULT_REHEARSAL_MAX_AGE_HOURS = 24;
/** `withData` copies only databases up to this size by default. */
export const DEFAULT_REHEARSAL_MAX_DATA_MB = 100;

export interface ConfigEnvironment {
  name: string;
  /** As written: `env:NAME` or a literal URL. */
  url: string;
  protected: boolean;
  versionTable: string;
  versionTableSchema: string | null;
  timeoutMs: number;
  approvers: string[];
  rehearsal: ConfigEnvironmentRehearsal;
  /** What runs before a migration here; null for nothing. */
  beforeRun: BeforeRun | null;
}

export interface CairnConfig {
  /** Absolute path of the file read. */
  file: string;
  projects: ConfigProject[];
}

export const DEFAULT_TIMEOUT_MS = 3000;

/** `["projects", 0, "environments", 1, "url"]` → `projects[0].environments[1].url`. */
export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) out += typeof s === "number" ? `[${s}]` : out === "" ? String(s) : `.${String(s)}`;
  return out || "(top level)";
}

function allowedKeysAt(segments: readonly PropertyKey[]): string[] {
  const depth = segments.filter((s) => typeof s === "string").length;
  if (segments.length === 0) return Object.keys(ZCairnConfigSchema.shape);
  if (segments.at(-1) === "beforeRun") return ["backup", "keep", "command", "timeoutMinutes"];
  if (segments.at(-1) === "rehearsal") return segments[2] === "environments" ? ["withData", "maxDataMb", "requireReversible", "required"] : ["url", "maxAgeHours"];
  if (segments[0] === "projects" && depth === 1) return Object.keys(ZConfigProjectSchema.shape);
  if (segments[0] === "projects" && segments[2] === "environments") return Object.keys(ZConfigEnvironmentSchema.shape);
  return [];
}

/** Validates parsed JSON; `file` is used for messages and to resolve relative paths. */
export function parseCairnConfig(raw: unknown, file: string): CairnConfig {
  const abs = path.resolve(file);
  const parsed = ZCairnConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => `"${k}"`).join(", ");
        const allowed = allowedKeysAt(issue.path);
        return `${formatJsonPath(issue.path)}: unknown key ${keys} — remove it or fix the spelling${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}`;
      }
      return `${formatJsonPath(issue.path)}: ${issue.message}`;
    });
    throw new AppError("config", `invalid ${abs}: ${lines.join("; ")}`, `${abs} is invalid:\n  ${lines.join("\n  ")}`, { issues: lines });
  }
  const dir = path.dirname(abs);
  return {
    file: abs,
    projects: parsed.data.projects.map((p) => ({
      name: p.name,
      alembicPath: path.resolve(dir, p.alembic),
      command: p.command ?? ["alembic"],
      urlEnvVar: p.urlEnvVar ?? "DATABASE_URL",
      xArgs: p.xArgs ?? [],
      constants: p.constants ?? {},
      rehearsal: { url: p.rehearsal?.url ?? null, maxAgeHours: p.rehearsal?.maxAgeHours ?? DEFAULT_REHEARSAL_MAX_AGE_HOURS },
      environments: p.environments.map((e) => ({
        name: e.name,
        url: e.url,
        protected: e.protected ?? false,
        versionTable: e.versionTable ?? "alembic_version",
        versionTableSchema: e.versionTableSchema ?? null,
        timeoutMs: e.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        approvers: e.approvers ?? [],
        rehearsal: {
          withData: e.rehearsal?.withData ?? false,
          maxDataMb: e.rehearsal?.maxDataMb ?? DEFAULT_REHEARSAL_MAX_DATA_MB,
          requireReversible: e.rehearsal?.requireReversible ?? false,
          ...(e.rehearsal?.required === undefined ? {} : { required: e.rehearsal.required }),
        },
        beforeRun: toBeforeRun(e.beforeRun),
      })),
    })),
  };
}

function toBeforeRun(b: TConfigEnvironment["beforeRun"]): BeforeRun | null {
  if (!b) return null;
  const timeoutMs = (b.timeoutMinutes ?? DEFAULT_BACKUP_TIMEOUT_MINUTES) * 60_000;
  return b.command ? { kind: "command", command: b.command, timeoutMs } : { kind: "backup", keep: b.keep ?? DEFAULT_BACKUP_KEEP, timeoutMs };
}

/** Reads and validates cairn.config.json; every failure is an AppError("config") naming the file and the fix. */
export function loadCairnConfig(file: string): CairnConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "is not readable (permission denied)" : "could not be read";
    throw new AppError("config", `${abs} ${why}`, `${abs} ${why}. Create it (see docs) or pass --config with the right path.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // Only the position: the parser's message can quote the file, and the file may hold a URL with a password.
    const pos = /position (\d+)/.exec(e instanceof Error ? e.message : "");
    let where = "";
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split("\n").length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf("\n")}`;
    }
    throw new AppError("config", `${abs} is not valid JSON${where}`, `${abs} is not valid JSON${where}. Fix the syntax; comments and trailing commas are not allowed.`);
  }
  return parseCairnConfig(raw, abs);
}
