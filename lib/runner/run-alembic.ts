import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { AppError } from "@/lib/errors";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { argvForAudit, recordCommandRun, type CommandAudit } from "@/lib/runner/record-command-run";

export interface RunAlembicOptions {
  /** How to start Alembic, as an argument array (never a shell). Default ["alembic"]. */
  command?: string[];
  /** The project's directory (where alembic.ini lives). */
  cwd: string;
  /** Alembic's subcommand and its arguments, e.g. ["upgrade", "e5"]. */
  args: string[];
  /** Optional `-c` config file (relative to cwd or absolute). */
  configFile?: string;
  /** Handed to the child only through its environment, never on the command line. */
  databaseUrl: string;
  /** Default DATABASE_URL. */
  urlEnvVar?: string;
  /** Extra `-x` arguments: "key=value" items. */
  xArgs?: string[];
  versionTable?: string;
  versionTableSchema?: string | null;
  /** Every output line, already redacted. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  onSpawn?: (pid: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Secrets to mask besides the database URL. */
  extraSecrets?: string[];
  /**
   * Run through Cairn's guarded runner (lib/runner/python/cairn_run.py) instead of the command
   * itself: the database lock is taken and held by the process that runs Alembic. Runs use it;
   * offline previews and checks do not.
   */
  guard?: RunnerGuard;
  /** Record the command in the audit trail before it starts (who, which environment, why; argv without secrets). */
  audit?: CommandAudit;
}

/** How the guarded runner is started and what Cairn answers once it holds the lock. */
export interface RunnerGuard {
  /** The project's Python, as an argument array (see resolveRunnerPython). */
  python: string[];
  /** Where the runner also writes Alembic's output (survives Cairn), and `<logFile>.result.json`. */
  logFile?: string;
  /**
   * Called with the version table as read under the lock; true lets Alembic start. Anything else
   * (false, a throw, Cairn dying) and the runner exits without migrating.
   */
  onLocked: (locked: { revisions: string[]; identity: string; pid: number }) => Promise<boolean>;
  watchdogSeconds?: number;
  /** How long the runner waits for onLocked's answer, holding the lock (default 120 s; longer when a backup runs first). */
  handshakeSeconds?: number;
  /** Only ask whether the lock is free (exit 0) or held (exit 75); runs nothing. */
  probe?: boolean;
}

/** What the guarded runner reported on its control channel. */
export interface RunnerReport {
  /** The lock was held by someone else; nothing ran. */
  busy?: { identity: string | null; holder: string | null };
  /** The runner could not connect or was misconfigured; nothing ran. */
  error?: { reason: string; message: string };
  /** The lock was taken and the version table read. */
  locked?: { revisions: string[]; identity: string; pid: number };
  /** Cairn said no after reading the version table; nothing ran. */
  refused?: boolean;
  /** Alembic ended; the version table as read under the lock afterwards (absent when unreadable). */
  done?: { exit: number; revisions?: string[] };
}

export interface RunAlembicResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Every line, redacted, in arrival order. */
  output: string;
  /** stdout alone, redacted (the SQL of an offline run). */
  stdout: string;
  aborted: boolean;
  timedOut: boolean;
  /** The argument list as run (no secrets: the URL is only in the environment). */
  argv: string[];
  /** Present when run through the guarded runner. */
  runner?: RunnerReport;
}

/** The guarded runner, shipped with Cairn (not imported: run by the project's Python). */
export const RUNNER_SCRIPT = path.join(process.cwd(), "lib", "runner", "python", "cairn_run.py");

/** The runner's exit codes that mean "Alembic never started" (see cairn_run.py). */
export const RUNNER_EXIT = { busy: 75, refused: 76, lockLost: 77, setup: 78 } as const;

/** Variables of Cairn itself that a migration has no business seeing. */
const CAIRN_ONLY = /^(DATABASE_URL|CAIRN_.*|PG(PASSWORD|PASSFILE|SERVICE))$/;

/** The environment a project's own program gets: Cairn's without Cairn's own variables, and the database URL in `urlEnvVar`. */
export function projectCommandEnv(urlEnvVar: string, databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(process.env)) if (!CAIRN_ONLY.test(k)) env[k] = v;
  env[urlEnvVar] = databaseUrl;
  return env;
}

/** Normalises configured x-arguments: accepts "k=v", "-x k=v", "-xk=v"; refuses anything else. */
export function normaliseXArgs(xArgs: unknown): string[] {
  if (xArgs == null) return [];
  if (!Array.isArray(xArgs)) {
    const msg = 'The project\'s x-arguments must be a list such as ["tenant=acme"].';
    throw new AppError("config", msg, msg);
  }
  const out: string[] = [];
  for (const item of xArgs) {
    if (typeof item !== "string") {
      const msg = `Each x-argument must be text like "key=value"; got ${JSON.stringify(item)}.`;
      throw new AppError("config", msg, msg);
    }
    if (item === "-x") continue;
    const kv = item.replace(/^-x\s*/, "");
    if (!/^[A-Za-z_][\w.-]*=/.test(kv) || kv.includes("\0")) {
      const msg = `The x-argument "${kv}" is not of the form key=value (e.g. "tenant=acme"). Fix it in the project's settings.`;
      throw new AppError("config", msg, msg);
    }
    out.push(kv);
  }
  return out;
}

/** Validates a command array (no shell: the first item is the program). */
export function normaliseCommand(command: unknown): string[] {
  const c = command == null ? ["alembic"] : command;
  if (!Array.isArray(c) || c.length === 0 || !c.every((p) => typeof p === "string" && p.length > 0 && !p.includes("\0"))) {
    throw new AppError("config", "bad alembic command", 'The project\'s Alembic command must be a non-empty list of words, e.g. ["alembic"], ["poetry", "run", "alembic"] or [".venv/bin/alembic"].');
  }
  return c as string[];
}

/** Builds Alembic's argument list: global options (-c, -x) first, then the subcommand. */
export function buildAlembicArgv(o: Pick<RunAlembicOptions, "command" | "args" | "configFile" | "xArgs" | "versionTable" | "versionTableSchema">): string[] {
  const [program, ...rest] = normaliseCommand(o.command);
  const x: string[] = [];
  for (const kv of normaliseXArgs(o.xArgs)) x.push("-x", kv);
  if (o.versionTable) x.push("-x", `version_table=${o.versionTable}`);
  if (o.versionTableSchema) x.push("-x", `version_table_schema=${o.versionTableSchema}`);
  return [program!, ...rest, ...(o.configFile ? ["-c", o.configFile] : []), ...x, ...o.args];
}

/**
 * Runs Alembic as a child process with an argument array; the database URL reaches it only through
 * its environment. Every line is redacted before it reaches onLine or the returned output.
 */
export async function runAlembic(o: RunAlembicOptions): Promise<RunAlembicResult> {
  const argv = o.guard ? buildRunnerArgv(o, o.guard) : buildAlembicArgv(o);
  const redact = createRedactor([o.databaseUrl, ...(o.extraSecrets ?? [])]);
  const urlEnvVar = o.urlEnvVar || "DATABASE_URL";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(urlEnvVar)) {
    throw new AppError("config", "bad urlEnvVar", `"${urlEnvVar}" is not a valid environment variable name for the database URL; use something like DATABASE_URL.`);
  }
  if (!fs.existsSync(o.cwd)) {
    throw new AppError("config", `cwd missing: ${o.cwd}`, `The project's directory ${o.cwd} does not exist. Point the project at the folder holding alembic.ini.`);
  }
  const env = projectCommandEnv(urlEnvVar, o.databaseUrl);
  env.PYTHONUNBUFFERED = "1";
  // The project's own command line (not the guarded runner's wrapper), as the operator configured it.
  if (o.audit) await recordCommandRun(o.audit, argvForAudit(buildAlembicArgv(o), redact));

  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      resolve({ exitCode: null, signal: null, output: "", stdout: "", aborted: true, timedOut: false, argv });
      return;
    }
    const lines: string[] = [];
    const stdoutLines: string[] = [];
    let aborted = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;

    // A guarded runner gets its own process group: a Ctrl-C meant for Cairn's terminal must not
    // interrupt a migration halfway; it is stopped only deliberately (cancel, timeout).
    const child = o.guard
      ? spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env, shell: false, stdio: ["pipe", "pipe", "pipe", "pipe"], detached: true })
      : spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env, shell: false, stdio: ["ignore", "pipe", "pipe"], detached: false });
    const runner: RunnerReport | undefined = o.guard ? {} : undefined;
    const controlDone = o.guard ? followRunnerControl(child.stdio[3] as NodeJS.ReadableStream, child.stdin!, o.guard, runner!, redact) : Promise.resolve();
    const emit = (raw: string, stream: "stdout" | "stderr") => {
      const line = redact(raw.replace(/\r$/, ""));
      lines.push(line);
      if (stream === "stdout") stdoutLines.push(line);
      try {
        o.onLine?.(line, stream);
      } catch {
        // A listener's failure must not break the run it is watching.
      }
    };
    const splitter = (stream: "stdout" | "stderr") => {
      let partial = "";
      return {
        data(chunk: Buffer) {
          partial += chunk.toString("utf8");
          const parts = partial.split("\n");
          partial = parts.pop() ?? "";
          for (const p of parts) emit(p, stream);
        },
        end() {
          if (partial) emit(partial, stream);
          partial = "";
        },
      };
    };
    const out = splitter("stdout");
    const err = splitter("stderr");
    child.stdout.on("data", out.data);
    child.stderr.on("data", err.data);

    // A guarded runner leads its own process group ("poetry run python …" included): signal all of it.
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (o.guard && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      kill("SIGTERM");
      // Alembic's transaction is rolled back by the database if the process dies; don't wait long.
      killTimer = setTimeout(() => kill("SIGKILL"), 3000);
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const timeout = o.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), o.timeoutMs) : undefined;

    child.on("spawn", () => {
      if (child.pid) o.onSpawn?.(child.pid);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      o.signal?.removeEventListener("abort", onAbort);
      if (e.code === "ENOENT" || e.code === "EACCES") {
        reject(
          new AppError(
            "config",
            `cannot start ${argv[0]}: ${e.code}`,
            `Cairn could not start "${argv[0]}" in ${o.cwd} (${e.code === "ENOENT" ? "not found" : "not executable"}). Set the project's Alembic command to a program that exists, e.g. [".venv/bin/alembic"] or ["poetry", "run", "alembic"].`,
          ),
        );
      } else reject(new AppError("internal", `spawn failed: ${redact(e.message)}`));
    });
    child.on("close", (code, sig) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      o.signal?.removeEventListener("abort", onAbort);
      out.end();
      err.end();
      void controlDone.then(() => resolve({ exitCode: code, signal: sig, output: lines.join("\n"), stdout: stdoutLines.join("\n"), aborted, timedOut, argv, ...(runner ? { runner } : {}) }));
    });
  });
}

/** The guarded runner's argument list: the project's Python, the runner, its options, then Alembic's own arguments. */
export function buildRunnerArgv(o: Pick<RunAlembicOptions, "args" | "configFile" | "xArgs" | "versionTable" | "versionTableSchema" | "urlEnvVar">, guard: RunnerGuard): string[] {
  const [, ...alembicArgs] = buildAlembicArgv({ ...o, command: ["alembic"] });
  const python = normaliseCommand(guard.python);
  return [
    ...python,
    RUNNER_SCRIPT,
    "--url-env",
    o.urlEnvVar || "DATABASE_URL",
    "--version-table",
    o.versionTable || "alembic_version",
    ...(o.versionTableSchema ? ["--version-table-schema", o.versionTableSchema] : []),
    ...(guard.logFile ? ["--log-file", guard.logFile] : []),
    ...(guard.watchdogSeconds ? ["--watchdog-interval", String(guard.watchdogSeconds)] : []),
    ...(guard.handshakeSeconds ? ["--handshake-timeout", String(guard.handshakeSeconds)] : []),
    ...(guard.probe ? ["--probe"] : []),
    "--",
    ...alembicArgs,
  ];
}

/**
 * Reads the runner's JSON lines (fd 3) into `report`, and answers its "locked" event on stdin.
 * Resolves when the channel closes.
 */
function followRunnerControl(channel: NodeJS.ReadableStream, stdin: Writable, guard: RunnerGuard, report: RunnerReport, redact: (s: string) => string): Promise<void> {
  stdin.on("error", () => {}); // the runner may exit before reading its answer
  return new Promise((resolve) => {
    let partial = "";
    const handle = (line: string) => {
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const str = (v: unknown) => (typeof v === "string" ? v : null);
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
      switch (ev.event) {
        case "busy":
          report.busy = { identity: str(ev.identity), holder: str(ev.holder) };
          break;
        case "error":
          report.error = { reason: str(ev.reason) ?? "error", message: redact(str(ev.message) ?? "") };
          break;
        case "refused":
          report.refused = true;
          break;
        case "done":
          report.done = { exit: typeof ev.exit === "number" ? ev.exit : -1, revisions: strings(ev.revisions) };
          break;
        case "locked": {
          const locked = { revisions: strings(ev.revisions) ?? [], identity: str(ev.identity) ?? "", pid: typeof ev.pid === "number" ? ev.pid : 0 };
          report.locked = locked;
          guard
            .onLocked(locked)
            .catch(() => false)
            .then((go) => stdin.end(go ? "go\n" : "no\n"));
          break;
        }
      }
    };
    channel.setEncoding?.("utf8");
    channel.on("data", (chunk: string | Buffer) => {
      partial += chunk.toString();
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) if (p.trim()) handle(p);
    });
    channel.on("error", () => resolve());
    channel.on("close", () => {
      if (partial.trim()) handle(partial);
      resolve();
    });
  });
}
