import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import Database from "better-sqlite3";
import { isAppError } from "@/lib/errors";
import { formatBytes, type BeforeRun, type BeforeRunIntent } from "@/lib/backups/types";
import { recordCommandRun, type CommandAudit } from "@/lib/runner/record-command-run";
import { projectCommandEnv } from "@/lib/runner/run-alembic";
import { libpqEnv, pgParts } from "@/lib/targets/libpq-env";
import { mysqlClientArgs, parseMysqlUrl } from "@/lib/targets/parse-mysql-url";
import { parseSqliteUrl } from "@/lib/targets/parse-sqlite-url";
import { urlScheme } from "@/lib/targets/read-version-table";

/** Where an environment's backups go: CAIRN_BACKUP_DIR/<project>/<environment>/ (names are cairn.config.json's, letters, digits, . _ -). */
export function backupDirectoryOf(backupDir: string, project: string, environment: string): string {
  return path.join(path.resolve(backupDir), project, environment);
}

type Dialect = "postgresql" | "mysql" | "sqlite";

function dialectOf(url: string): Dialect | null {
  const s = urlScheme(url);
  if (s === "postgresql" || s === "postgres") return "postgresql";
  if (s === "mysql" || s === "mariadb") return "mysql";
  if (s === "sqlite") return "sqlite";
  return null;
}

const TOOL: Record<Dialect, { program: string | null; label: string; ext: string }> = {
  postgresql: { program: "pg_dump", label: "pg_dump -Fc", ext: "dump" },
  mysql: { program: "mysqldump", label: "mysqldump", ext: "sql" },
  sqlite: { program: null, label: "a copy of the SQLite file (SQLite's online backup)", ext: "sqlite" },
};

/** Cairn's own backup files only: retention never touches anything else in the directory. */
function ownBackupName(environment: string): RegExp {
  return new RegExp(`^${environment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.(dump|sql|sqlite)$`);
}

/**
 * A backup being written: `<final name>.partial`, renamed when the tool succeeded. Never a backup (retention
 * does not count it); sweepAbandonedBackups deletes those whose run is over (Cairn stopped mid-backup).
 */
export const PARTIAL_BACKUP_NAME = /^.+-\d{8}T\d{6}Z-([0-9a-f]{8})\.(dump|sql|sqlite)\.partial$/;

/**
 * In the environment of pg_dump and mysqldump: the run they back up for, so one a dead Cairn left behind is
 * found and stopped. Not given to the operator's command: what it starts in the background is its own business.
 */
export const BACKUP_RUN_ENV = "CAIRN_BACKUP_RUN_ID";

/** For people to paste into a terminal: quoted only where the shell would split or expand. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface BeforeRunContext {
  project: string;
  environment: string;
  databaseUrl: string;
  /** CAIRN_BACKUP_DIR; null when unset. */
  backupDir: string | null;
  /** The project's directory (the operator's command runs there). */
  cwd: string;
  /** SQLite URLs are relative to it (the project's directory). */
  baseDir?: string;
}

/** The sentence the run dialog, the CLI and the banner show before anyone confirms. No check here. */
export function describeBeforeRun(b: BeforeRun, c: BeforeRunContext): Omit<BeforeRunIntent, "problem"> {
  if (b.kind === "command") {
    return { kind: "command", command: b.command, directory: null, description: `Before Alembic starts, Cairn runs ${b.command.map(shellQuote).join(" ")} in the project's directory; if it fails, nothing is migrated.` };
  }
  const dialect = dialectOf(c.databaseUrl);
  const directory = c.backupDir ? backupDirectoryOf(c.backupDir, c.project, c.environment) : null;
  const what = dialect ? TOOL[dialect].label : "a backup";
  return {
    kind: "backup",
    directory,
    description: `Before Alembic starts, Cairn makes ${what} of ${c.environment} into ${directory ?? "CAIRN_BACKUP_DIR (not set)"} and keeps the newest ${b.keep}; if the backup fails, nothing is migrated.`,
  };
}

const toolChecks = new Map<string, { at: number; ok: Promise<string | null> }>();

/** `<program> --version` without a shell: null when it runs, else why not. Cached a minute (plans ask often). */
function checkProgram(program: string): Promise<string | null> {
  const hit = toolChecks.get(program);
  if (hit && Date.now() - hit.at < 60_000) return hit.ok;
  const ok = new Promise<string | null>((resolve) => {
    const child = spawn(program, ["--version"], { stdio: "ignore", shell: false, timeout: 10_000 });
    child.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ENOENT" ? "not installed" : (e.code ?? "cannot start")));
    child.on("close", (code) => resolve(code === 0 ? null : `exits with code ${code}`));
  });
  toolChecks.set(program, { at: Date.now(), ok });
  return ok;
}

/** The nearest directory that exists on the way to `dir`, and whether Cairn may create and write files below it. */
function writableProblem(dir: string): string | null {
  let at = dir;
  while (!fs.existsSync(at)) {
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    if (!fs.statSync(at).isDirectory()) return `${at} is not a directory`;
    fs.accessSync(at, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch {
    return `Cairn may not write to ${at} (permission denied)`;
  }
}

/** A program of the operator's: found (on PATH, or as a path relative to the project) and executable? */
function findProgram(program: string, cwd: string): string | null {
  const candidates = program.includes("/")
    ? [path.resolve(cwd, program)]
    : (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, program));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // try the next one
    }
  }
  return null;
}

/**
 * What is wrong with this environment's beforeRun right now, in words that say where and how to fix it;
 * null when the backup can run. Asked at start-up (banner), by every plan (a blocking gate, shown in
 * the dialog) — so a missing CAIRN_BACKUP_DIR or pg_dump is never first found in the middle of a run.
 */
export async function checkBeforeRun(b: BeforeRun, c: BeforeRunContext): Promise<string | null> {
  const where = `${c.project}/${c.environment}`;
  if (b.kind === "command") {
    const program = b.command[0]!;
    if (!findProgram(program, c.cwd)) {
      return `The beforeRun command of ${where} cannot start: "${program}" is not an executable program ${program.includes("/") ? `at ${path.resolve(c.cwd, program)}` : "on Cairn's PATH"}. Install it or fix beforeRun.command in cairn.config.json, then restart Cairn.`;
    }
    return null;
  }
  if (!c.backupDir) {
    return `${where} asks for a backup before every run (beforeRun.backup in cairn.config.json), but CAIRN_BACKUP_DIR is not set, so there is nowhere to put it. Set CAIRN_BACKUP_DIR to a directory Cairn may write to and restart Cairn.`;
  }
  if (!path.isAbsolute(c.backupDir)) return `CAIRN_BACKUP_DIR must be an absolute path (it is "${c.backupDir}"). Set it to e.g. /var/backups/cairn and restart Cairn.`;
  const dir = backupDirectoryOf(c.backupDir, c.project, c.environment);
  const notWritable = writableProblem(dir);
  if (notWritable) return `Backups of ${where} cannot be written to ${dir}: ${notWritable}. Give Cairn's user write access to CAIRN_BACKUP_DIR (${c.backupDir}) or point it elsewhere, then restart Cairn.`;
  const dialect = dialectOf(c.databaseUrl);
  if (!dialect) return `Cairn can back up PostgreSQL, MySQL/MariaDB and SQLite; ${where}'s database is none of them. Use beforeRun.command with your own backup instead.`;
  if (dialect === "sqlite") {
    const target = parseSqliteUrl(c.databaseUrl, c.baseDir ?? c.cwd);
    if (target.kind !== "file") return `${where} is an in-memory SQLite database: there is no file to back up. Remove beforeRun from it in cairn.config.json.`;
    return null;
  }
  const program = TOOL[dialect].program!;
  const why = await checkProgram(program);
  if (why) {
    const pkg = dialect === "postgresql" ? "postgresql-client (at the server's major version or newer)" : "mariadb-client";
    return `Backups of ${where} need ${program}, which ${why === "not installed" ? "is not installed" : why} on Cairn's machine. Install ${pkg} (apt-get install ${pkg.split(" ")[0]}) and restart Cairn.`;
  }
  return null;
}

export interface RunBackupOptions extends BeforeRunContext {
  beforeRun: BeforeRun;
  runId: string;
  /** The project's URL variable for the operator's command (default DATABASE_URL). */
  urlEnvVar?: string;
  /** Every line of the tool's output (the caller redacts it before it is stored). */
  onLine: (line: string) => void;
  signal?: AbortSignal;
  /** Recorded before the program starts, like every program Cairn runs for a project. */
  audit: Omit<CommandAudit, "purpose">;
  now?: Date;
}

export type RunBackupResult = { ok: true; file: string | null; bytes: number | null; restoreCommand: string | null; command: string | null; durationMs: number; deleted: string[] } | { ok: false; message: string };

interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  firstError: string;
}

/** Runs a program without a shell in its own process group; streams its lines; stops it on abort or timeout. */
function runProgram(argv: string[], o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal; onLine: (line: string) => void }): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    let aborted = false;
    let firstError = "";
    // Its own process group, so a stop reaches what it starts. A kill -9 of Cairn does not reach it: the run sweep
    // finds pg_dump/mysqldump by BACKUP_RUN_ENV once the run is settled (sweepAbandonedBackups).
    const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env, shell: false, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 5000).unref();
    };
    const onAbort = () => ((aborted = true), stop());
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => ((timedOut = true), stop()), o.timeoutMs);
    for (const stream of [child.stdout!, child.stderr!]) {
      readline.createInterface({ input: stream }).on("line", (line) => {
        if (!firstError && stream === child.stderr && line.trim()) firstError = line.trim();
        o.onLine(line);
      });
    }
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      resolve({ code, signal, timedOut, aborted, firstError });
    });
  });
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Deletes this environment's oldest backups beyond `keep` (Cairn's own files only); returns the names deleted. */
export function pruneBackups(dir: string, environment: string, keep: number): string[] {
  const mine = ownBackupName(environment);
  const files = fs
    .readdirSync(dir)
    .filter((f) => mine.test(f))
    .sort()
    .reverse();
  const deleted: string[] = [];
  for (const f of files.slice(keep)) {
    try {
      fs.rmSync(path.join(dir, f));
      deleted.push(f);
    } catch {
      // a file that cannot be deleted is kept; the next backup tries again
    }
  }
  return deleted;
}

function failed(message: string): RunBackupResult {
  return { ok: false, message };
}

/**
 * Makes the backup an environment's beforeRun asks for, before Alembic starts (lib/runner/execute-run
 * calls it under the database lock, after the last check). Credentials reach pg_dump/mysqldump only
 * through their environment (PGPASSWORD, MYSQL_PWD); the file is written under a temporary name, 0600,
 * and renamed only when the tool succeeded, so a half-written dump never looks like a backup.
 * Never throws: a failure is a message saying what failed and how to fix it.
 */
export async function runBackup(o: RunBackupOptions): Promise<RunBackupResult> {
  const started = Date.now();
  const b = o.beforeRun;
  const where = `${o.project}/${o.environment}`;
  if (b.kind === "command") {
    const argv = b.command;
    const shown = argv.map(shellQuote).join(" ");
    await recordCommandRun({ ...o.audit, purpose: "backup" }, argv);
    o.onLine(`Cairn: before the run: ${shown} (beforeRun of ${where})`);
    const env = projectCommandEnv(o.urlEnvVar || "DATABASE_URL", o.databaseUrl);
    if (o.backupDir) env.CAIRN_BACKUP_DIR = o.backupDir;
    Object.assign(env, { CAIRN_PROJECT: o.project, CAIRN_ENVIRONMENT: o.environment, CAIRN_RUN_ID: o.runId });
    let r: SpawnResult;
    try {
      r = await runProgram(argv, { cwd: o.cwd, env, timeoutMs: b.timeoutMs, signal: o.signal, onLine: o.onLine });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return failed(`The beforeRun command ${shown} could not start (${code === "ENOENT" ? "not found" : (code ?? "error")}). Install it or fix beforeRun.command for ${where} in cairn.config.json.`);
    }
    if (r.aborted) return failed(`The beforeRun command ${shown} was stopped before it finished.`);
    if (r.timedOut) return failed(`The beforeRun command ${shown} did not finish within ${Math.round(b.timeoutMs / 60_000)} minutes and was stopped. Make it faster or raise beforeRun.timeoutMinutes for ${where}.`);
    if (r.code !== 0) {
      return failed(`The beforeRun command ${shown} failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`}). Its output is in this run's log above; fix what it reports, then request the run again.`);
    }
    return { ok: true, file: null, bytes: null, restoreCommand: null, command: shown, durationMs: Date.now() - started, deleted: [] };
  }

  const problem = await checkBeforeRun(b, o);
  if (problem) return failed(problem);
  const dialect = dialectOf(o.databaseUrl)!;
  const dir = backupDirectoryOf(o.backupDir!, o.project, o.environment);
  const name = `${o.environment}-${stamp(o.now ?? new Date())}-${o.runId.replace(/-/g, "").slice(0, 8).toLowerCase().padEnd(8, "0")}.${TOOL[dialect].ext}`;
  const file = path.join(dir, name);
  const partial = `${file}.partial`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The dump holds the data: only Cairn's user may read it.
    fs.closeSync(fs.openSync(partial, "w", 0o600));
  } catch (e) {
    return failed(`Cairn could not create ${partial} (${(e as NodeJS.ErrnoException).code ?? "error"}). Give Cairn's user write access to CAIRN_BACKUP_DIR (${o.backupDir}), then request the run again.`);
  }
  const removePartial = () => fs.rmSync(partial, { force: true });
  o.onLine(`Cairn: backing up ${o.environment} with ${TOOL[dialect].label} into ${file}`);
  let restoreCommand: string;
  try {
    if (dialect === "sqlite") {
      const target = parseSqliteUrl(o.databaseUrl, o.baseDir ?? o.cwd);
      if (target.kind !== "file") return (removePartial(), failed(`${where} has no SQLite file to back up.`));
      // SQLite's online backup: a consistent copy even while the file is written to (WAL included), read-only on the target.
      const src = new Database(target.path, { readonly: true, fileMustExist: true });
      try {
        await src.backup(partial);
      } finally {
        src.close();
      }
      restoreCommand = `cp ${shellQuote(file)} ${shellQuote(target.path)}`;
    } else {
      let argv: string[];
      let env: NodeJS.ProcessEnv;
      if (dialect === "postgresql") {
        const p = pgParts(o.databaseUrl);
        // Host, port, user and database travel in PG* variables too: nothing about the connection on argv but the file.
        argv = ["pg_dump", "--format=custom", `--file=${partial}`];
        env = libpqEnv(p, { [BACKUP_RUN_ENV]: o.runId });
        restoreCommand = ["pg_restore", "--clean", "--if-exists", "--single-transaction", "-h", p.host, "-p", p.port, "-U", p.user, "-d", p.database, file].map(shellQuote).join(" ");
      } else {
        const parsed = parseMysqlUrl(o.databaseUrl);
        if (!parsed.ok || !parsed.settings.database) return (removePartial(), failed(`${where}'s URL names no MySQL database to back up (mysql+pymysql://user@host/database).`));
        const client = mysqlClientArgs(parsed.settings);
        // --no-defaults (first, from mysqlClientArgs): no option file of Cairn's user adds a host or user; the password is MYSQL_PWD.
        argv = ["mysqldump", ...client.args, "--single-transaction", "--skip-lock-tables", "--no-tablespaces", "--routines", "--triggers", "--hex-blob", `--result-file=${partial}`, "--", parsed.settings.database];
        env = {} as NodeJS.ProcessEnv;
        for (const [k, v] of Object.entries(process.env)) if (!/^(MYSQL_\w+|DATABASE_URL|CAIRN_.*)$/.test(k)) env[k] = v;
        Object.assign(env, client.env, { [BACKUP_RUN_ENV]: o.runId });
        const [, ...connect] = client.args;
        restoreCommand = `${["mysql", "--no-defaults", ...connect, "-p", parsed.settings.database].map(shellQuote).join(" ")} < ${shellQuote(file)}`;
      }
      await recordCommandRun({ ...o.audit, purpose: "backup" }, argv);
      let r: SpawnResult;
      try {
        r = await runProgram(argv, { cwd: dir, env, timeoutMs: b.timeoutMs, signal: o.signal, onLine: o.onLine });
      } catch (e) {
        removePartial();
        const pkg = dialect === "postgresql" ? "postgresql-client" : "mariadb-client";
        return failed(`Cairn could not start ${argv[0]} (${(e as NodeJS.ErrnoException).code === "ENOENT" ? "not installed" : "error"}). Install ${pkg} on Cairn's machine, then request the run again.`);
      }
      if (r.code !== 0 || r.aborted || r.timedOut) {
        removePartial();
        if (r.aborted) return failed(`The backup of ${o.environment} was stopped before it finished.`);
        if (r.timedOut) return failed(`The backup of ${o.environment} (${argv[0]}) did not finish within ${Math.round(b.timeoutMs / 60_000)} minutes and was stopped. Raise beforeRun.timeoutMinutes for ${where}.`);
        return failed(
          `The backup of ${o.environment} failed: ${argv[0]} exited with code ${r.code}${r.firstError ? ` (${r.firstError})` : ""}. Its output is in this run's log above; fix it (the database user needs read access to every table; ${argv[0]} must be as new as the server), then request the run again.`,
        );
      }
    }
    fs.renameSync(partial, file);
  } catch (e) {
    removePartial();
    const why = isAppError(e) ? e.userMessage : `${(e as NodeJS.ErrnoException).code ?? "error"}`;
    return failed(`The backup of ${o.environment} failed: ${why}. Nothing was migrated; fix it, then request the run again.`);
  }
  const bytes = fs.statSync(file).size;
  const deleted = pruneBackups(dir, o.environment, b.keep);
  o.onLine(`Cairn: backup written: ${file} (${formatBytes(bytes)}); restore with: ${restoreCommand}`);
  if (deleted.length) o.onLine(`Cairn: kept the newest ${b.keep} backups of ${o.environment}; deleted ${deleted.join(", ")}`);
  return { ok: true, file, bytes, restoreCommand, command: null, durationMs: Date.now() - started, deleted };
}
