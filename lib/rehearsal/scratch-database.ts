import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { AppError, isAppError } from "@/lib/errors";
import { describeDriverError } from "@/lib/targets/describe-driver-error";
import type { RowDataPacket } from "mysql2/promise";
import { openMysqlConnection, quoteMysqlIdent } from "@/lib/targets/open-mysql-connection";
import { isMysqlUrl, mysqlClientArgs, mysqlUrlForDatabase, parseMysqlUrl } from "@/lib/targets/parse-mysql-url";
import { parseSqliteUrl } from "@/lib/targets/parse-sqlite-url";
import { quoteIdent, toPgConnectionString } from "@/lib/targets/read-postgres-version-table";
import { urlScheme } from "@/lib/targets/read-version-table";
import { libpqEnv, pgParts } from "@/lib/targets/libpq-env";
import { assertScratchIsNotTarget, isScratchDatabaseName, SCRATCH_OWNER_TABLE, scratchDatabaseName, type DatabaseAddress } from "@/lib/rehearsal/scratch-name";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { isProcessAlive } from "@/lib/server/is-process-alive";

/** A throwaway copy of a target database. */
export interface ScratchDatabase {
  /** The copy's URL, with the target's SQLAlchemy scheme (Alembic connects with it). */
  url: string;
  /** `cairn_rehearsal_<id>` (PostgreSQL) or the copy's file (SQLite). */
  name: string;
  dialect: "postgresql" | "sqlite" | "mysql";
  /**
   * What a connection to the copy reports, for the step runner (cairn_rehearse.py) to refuse any
   * other database: PostgreSQL `port:postmaster start epoch`, MySQL `@@hostname:@@port`; absent for SQLite (the file is the identity).
   */
  server?: string;
  /** MySQL: the target's own database, which the step runner refuses to see named in any statement run on the copy. */
  targetDatabase?: string;
  /** Removes the copy; safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateScratchOptions {
  /** Rehearsal id: the copy is `cairn_rehearsal_<id>`. */
  id: string;
  /** The target's resolved URL: only read from. */
  targetUrl: string;
  /** A PostgreSQL server where Cairn may create and drop databases; default the target's own server, same credentials. */
  serverUrl?: string | null;
  /** Where relative SQLite paths resolve. */
  baseDir: string;
  versionTable: string;
  versionTableSchema?: string | null;
  /** Copy the rows too (PostgreSQL), when the target is at most this many bytes; null copies the schema and the version table only. */
  withData?: { maxBytes: number } | null;
  timeoutMs?: number;
}

/** What a scratch database records about its owner, so a start-up sweep can tell a leftover from a live rehearsal. */
interface ScratchOwner {
  cairn: "rehearsal";
  host: string;
  pid: number;
  started: string;
}

/** A scratch copy still present this long after it was made is a leftover whoever owns it. */
const MAX_SCRATCH_AGE_MS = 6 * 3_600_000;

function ownerRecord(): ScratchOwner {
  return { cairn: "rehearsal", host: os.hostname(), pid: process.pid, started: new Date().toISOString() };
}

/** A leftover: made on this host by a process that is gone, or older than any rehearsal runs. */
function isLeftover(owner: unknown, now = Date.now()): boolean {
  const o = owner as Partial<ScratchOwner> | null;
  if (!o || o.cairn !== "rehearsal" || typeof o.pid !== "number" || typeof o.started !== "string") return false;
  if (now - Date.parse(o.started) > MAX_SCRATCH_AGE_MS) return true;
  return o.host === os.hostname() && !isProcessAlive(o.pid);
}

function parseOwner(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// ───────────────────────────── PostgreSQL ─────────────────────────────

/** The URL of `database` on the server of `serverUrl`, keeping the target's scheme (postgresql+psycopg2:// …). */
function urlOnServer(serverUrl: string, database: string, scheme: string): string {
  const u = new URL(toPgConnectionString(serverUrl));
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString().replace(/^postgresql:\/\//, `${scheme}://`);
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const c = new pg.Client({ connectionString: toPgConnectionString(url), connectionTimeoutMillis: timeoutMs, application_name: "cairn-rehearsal" });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** A session on the rehearsal server that may CREATE/DROP DATABASE: its `postgres` database, else the one its URL names. */
async function withServerAdmin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const parts = pgParts(serverUrl);
  const maintenance = urlOnServer(serverUrl, "postgres", "postgresql");
  try {
    return await withPg(maintenance, fn);
  } catch (e) {
    if (parts.database === "postgres" || isAppError(e) || (e as { code?: string }).code?.startsWith("42")) throw e;
    return withPg(serverUrl, fn);
  }
}

interface ToolResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a libpq tool without a shell; stdin may be a buffer to write. */
function runTool(program: string, args: string[], env: NodeJS.ProcessEnv, stdin?: Buffer, timeoutMs = 300_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, shell: false, stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"], timeout: timeoutMs });
    const out: Buffer[] = [];
    let err = "";
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) => reject(cannotStart(program, e)));
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    if (stdin) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(stdin);
    }
  });
}

function cannotStart(program: string, e: NodeJS.ErrnoException): AppError {
  const tools = /^mysql|^mariadb/.test(program)
    ? "Rehearsals on MySQL/MariaDB copy the schema with mysqldump and mysql: install the client tools (apt-get install mariadb-client)."
    : "Rehearsals on PostgreSQL copy the schema with the PostgreSQL client tools: install them (apt-get install postgresql-client) at the server's major version or newer.";
  return new AppError("config", `cannot start ${program}: ${e.code}`, `Cairn could not start ${program} (${e.code === "ENOENT" ? "not installed" : e.code}). ${tools}`);
}

interface PipeOutcome {
  /** The first dump that failed: its index and stderr. */
  dumpFailed?: { index: number; code: number | null; stderr: string };
  /** psql failed (or exited before reading everything). */
  restoreFailed?: { code: number | null; stderr: string };
}

/**
 * Streams each pg_dump's stdout, one after the other, into one psql's stdin — nothing is held in
 * memory, however large a data copy (up to rehearsal.maxDataMb, 10 GB by default cap). Both sides
 * are spawned without a shell; if either fails the other is killed.
 */
function pipeDumpsIntoPsql(
  dumps: Array<{ args: string[]; env: NodeJS.ProcessEnv }>,
  psql: { args: string[]; env: NodeJS.ProcessEnv },
  timeoutMs = 3_600_000,
  programs: { dump: string; restore: string } = { dump: "pg_dump", restore: "psql" },
): Promise<PipeOutcome> {
  return new Promise((resolve, reject) => {
    const restore = spawn(programs.restore, psql.args, { env: psql.env, shell: false, stdio: ["pipe", "ignore", "pipe"], timeout: timeoutMs });
    let restoreErr = "";
    let current: ReturnType<typeof spawn> | null = null;
    let settled = false;
    const outcome: PipeOutcome = {};
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      if (e) reject(e);
      else resolve(outcome);
    };
    restore.stderr!.on("data", (d: Buffer) => (restoreErr += d.toString("utf8")));
    restore.stdin!.on("error", () => {}); // psql gone: its exit says why
    restore.on("error", (e: NodeJS.ErrnoException) => {
      current?.kill("SIGKILL");
      finish(cannotStart(programs.restore, e));
    });
    let restoreExit: Promise<number | null> = new Promise((r) => restore.on("close", (code) => r(code)));
    restoreExit = restoreExit.then((code) => {
      if (code !== 0 && !outcome.dumpFailed) {
        outcome.restoreFailed = { code, stderr: restoreErr };
        current?.kill("SIGKILL");
      }
      return code;
    });
    const next = (index: number) => {
      if (settled || outcome.restoreFailed) return;
      if (index === dumps.length) {
        restore.stdin!.end();
        void restoreExit.then(() => finish());
        return;
      }
      const dump = spawn(programs.dump, dumps[index]!.args, { env: dumps[index]!.env, shell: false, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
      current = dump;
      let err = "";
      dump.stderr!.on("data", (d: Buffer) => (err += d.toString("utf8")));
      dump.stdout!.pipe(restore.stdin!, { end: false });
      dump.on("error", (e: NodeJS.ErrnoException) => {
        restore.kill("SIGKILL");
        finish(cannotStart(programs.dump, e));
      });
      dump.on("close", (code) => {
        current = null;
        if (code !== 0) {
          if (outcome.restoreFailed) return void restoreExit.then(() => finish());
          outcome.dumpFailed = { index, code, stderr: err };
          restore.kill("SIGKILL");
          void restoreExit.then(() => finish());
          return;
        }
        next(index + 1);
      });
    };
    restore.on("spawn", () => next(0));
    void restoreExit.then(() => {
      if (outcome.restoreFailed) finish();
    });
  });
}

/**
 * Drops a scratch database even while sessions (a killed Alembic's, a sweep's) are still attached:
 * `DROP DATABASE … WITH (FORCE)` exists from PostgreSQL 13; older servers get their sessions on it
 * terminated first, then a plain DROP.
 */
async function dropScratch(c: pg.Client, name: string): Promise<void> {
  const v = await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  if (Number(v.rows[0]!.v) >= 130_000) {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return;
  }
  await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
  await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ""
  );
}

async function clientMajor(program: string): Promise<number | null> {
  const r = await runTool(program, ["--version"], process.env).catch(() => null);
  const m = r ? /(\d+)(?:\.\d+)?/.exec(r.stdout.toString("utf8")) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Makes `cairn_rehearsal_<id>` on the rehearsal server and copies the target into it with the real
 * tools: `pg_dump --schema-only` plus the version table's rows (or everything, with `withData`
 * under its size cap), piped into `psql`. The target is only read (read-only sessions).
 */
async function createPostgresScratch(o: CreateScratchOptions): Promise<ScratchDatabase> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(o.targetUrl)?.[1] ?? "postgresql";
  const serverUrl = o.serverUrl || o.targetUrl;
  const target = pgParts(o.targetUrl);
  const server = pgParts(serverUrl);
  const name = scratchDatabaseName(o.id);
  const scratchAddress: DatabaseAddress = { host: server.host, port: server.port, database: name };
  assertScratchIsNotTarget(scratchAddress, { host: target.host, port: target.port, database: target.database });
  const redact = createRedactor([o.targetUrl, serverUrl]);
  const scratchUrl = urlOnServer(serverUrl, name, scheme);
  const readOnly = { PGOPTIONS: "-c default_transaction_read_only=on" };

  // The target: its server's major version (pg_dump must be as new) and, for a data copy, its size.
  const facts = await withPg(o.targetUrl, async (c) => {
    await c.query("SET default_transaction_read_only = on");
    const v = await c.query<{ v: string; size: string }>("SELECT current_setting('server_version_num') AS v, pg_database_size(current_database())::text AS size");
    return { major: Math.floor(Number(v.rows[0]!.v) / 10_000), size: Number(v.rows[0]!.size) };
  }).catch((e: unknown) => {
    throw new AppError("unreachable", "rehearsal: target unreadable", `Cairn could not read the target to copy it: ${describeDriverError(e, o.targetUrl).message}.`);
  });
  const dumpMajor = await clientMajor("pg_dump");
  if (dumpMajor !== null && dumpMajor < facts.major) {
    throw new AppError(
      "config",
      `pg_dump ${dumpMajor} < server ${facts.major}`,
      `pg_dump on this machine is version ${dumpMajor}, older than the target's PostgreSQL ${facts.major}, so it cannot copy the schema. Install the PostgreSQL ${facts.major} client tools.`,
    );
  }
  if (o.withData && facts.size > o.withData.maxBytes) {
    throw new AppError(
      "config",
      `target too large for a data copy: ${facts.size}`,
      `The target holds ${Math.round(facts.size / 1_048_576)} MB, over the rehearsal's data-copy cap of ${Math.round(o.withData.maxBytes / 1_048_576)} MB. Raise rehearsal.maxDataMb for this environment or set rehearsal.withData to false (schema only).`,
    );
  }

  await withServerAdmin(serverUrl, async (c) => {
    await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
    try {
      await c.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${c.escapeLiteral(JSON.stringify(ownerRecord()))}`);
    } catch (e) {
      // Without its owner record the sweep could never tell the copy is a leftover: drop it now.
      await dropScratch(c, name).catch((dropError: unknown) => console.error(`rehearsal: could not drop ${name} after its owner record failed`, describeDriverError(dropError, serverUrl).message));
      throw e;
    }
  }).catch((e: unknown) => {
    if (isAppError(e)) throw e;
    const d = describeDriverError(e, serverUrl);
    const code = (e as { code?: string }).code;
    throw new AppError(
      "config",
      `rehearsal: cannot create ${name}: ${d.message}`,
      code === "42501"
        ? `Cairn may not create databases on the rehearsal server as ${server.user} (permission denied). Grant that user CREATEDB, or set the project's rehearsal.url to a server where Cairn may create and drop databases.`
        : `Cairn could not create the scratch database ${name} on the rehearsal server: ${d.message}.`,
    );
  });

  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    await withServerAdmin(serverUrl, (c) => dropScratch(c, name));
    dropped = true;
  };

  try {
    const dumpArgs = ["--no-owner", "--no-privileges", "--no-comments", "--format=plain"];
    const dumps = [{ args: [...dumpArgs, ...(o.withData ? [] : ["--schema-only"])], env: libpqEnv(target, readOnly) }];
    if (!o.withData) {
      // The version table's rows, so Alembic starts on the copy exactly where the target stands.
      const table = `${o.versionTableSchema ? `${quoteIdent(o.versionTableSchema)}.` : ""}${quoteIdent(o.versionTable)}`;
      dumps.push({ args: [...dumpArgs, "--data-only", `--table=${table}`], env: libpqEnv(target, readOnly) });
    }
    const piped = await pipeDumpsIntoPsql(dumps, { args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-psqlrc"], env: libpqEnv({ ...server, database: name }) });
    if (piped.dumpFailed) {
      const what = piped.dumpFailed.index === 0 ? "the target's schema" : "the version table's rows";
      const line = redact(firstLine(piped.dumpFailed.stderr));
      throw new AppError("unreachable", `pg_dump failed: ${line}`, `pg_dump could not copy ${what}: ${line || `exit ${piped.dumpFailed.code}`}.`);
    }
    if (piped.restoreFailed) {
      const line = redact(firstLine(piped.restoreFailed.stderr));
      throw new AppError("internal", `psql restore failed: ${line}`, `The target's schema could not be loaded into the scratch copy: ${line || `exit ${piped.restoreFailed.code}`}.`);
    }
  } catch (e) {
    await drop().catch(() => {});
    throw e;
  }
  // The same expression cairn_rehearse.py evaluates on whatever env.py connected to.
  const identity = await withPg(scratchUrl, (c) => c.query<{ server: string }>("SELECT current_setting('port') || ':' || extract(epoch from pg_postmaster_start_time())::text AS server")).catch(async (e: unknown) => {
    await drop().catch(() => {});
    throw new AppError("unreachable", "rehearsal: copy unreadable", `Cairn could not connect to its scratch copy ${name}: ${describeDriverError(e, serverUrl).message}.`);
  });
  return { url: scratchUrl, name, dialect: "postgresql", server: identity.rows[0]!.server, drop };
}

// ───────────────────────────── SQLite ─────────────────────────────

const SQLITE_DIR_PREFIX = "cairn-rehearsal-";

async function createSqliteScratch(o: CreateScratchOptions): Promise<ScratchDatabase> {
  const target = parseSqliteUrl(o.targetUrl, o.baseDir);
  if (target.kind !== "file") {
    throw new AppError("config", "sqlite target not a file", "Rehearsals copy the SQLite file of the environment; its URL does not name one (sqlite:///path/to/file.db).");
  }
  if (!fs.existsSync(target.path)) throw new AppError("unreachable", "sqlite file missing", `The SQLite file ${path.basename(target.path)} does not exist, so there is nothing to copy.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${SQLITE_DIR_PREFIX}${scratchDatabaseName(o.id).slice("cairn_rehearsal_".length)}-`));
  fs.writeFileSync(path.join(dir, "owner.json"), JSON.stringify(ownerRecord()));
  const copy = path.join(dir, path.basename(target.path));
  if (path.resolve(copy) === path.resolve(target.path)) throw new AppError("internal", "sqlite scratch is target", "Cairn refused to rehearse on the target file itself.");
  const drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    // SQLite's online backup: a consistent copy even while the target is written to (WAL included); the target is opened read-only.
    const src = new Database(target.path, { readonly: true, fileMustExist: true });
    try {
      await src.backup(copy);
    } finally {
      src.close();
    }
  } catch (e) {
    await drop();
    throw new AppError("unreachable", "sqlite copy failed", `Cairn could not copy the SQLite file: ${describeDriverError(e, o.targetUrl).message}.`);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(o.targetUrl)?.[1] ?? "sqlite";
  return { url: `${scheme}:///${copy}`, name: copy, dialect: "sqlite", drop };
}

// ───────────────────────────── MySQL / MariaDB ─────────────────────────────

/**
 * Makes `cairn_rehearsal_<id>` on the target's MySQL/MariaDB server (or a MySQL rehearsal.url) and
 * copies the target into it with the real tools: `mysqldump --no-data` plus the version table's
 * rows (or everything, with `withData` under its size cap), streamed into `mysql`. The password
 * travels in MYSQL_PWD, never on a command line. MySQL has no database comments, so the owner record
 * the start-up sweep reads is a one-row table `cairn_rehearsal_owner` in the copy, made before the
 * schema is loaded (Alembic's upgrade never looks at tables it did not make, and introspectMysql
 * leaves it out of the copy's snapshots).
 */
async function createMysqlScratch(o: CreateScratchOptions): Promise<ScratchDatabase> {
  const serverUrl = o.serverUrl && isMysqlUrl(o.serverUrl) ? o.serverUrl : o.targetUrl;
  const target = parseMysqlUrl(o.targetUrl);
  const server = parseMysqlUrl(serverUrl);
  if (!target.ok || !server.ok) throw new AppError("config", "bad mysql url", `The database URL cannot be read as MySQL: ${!target.ok ? target.message : !server.ok ? server.message : ""}.`);
  const database = target.settings.database;
  if (!database) throw new AppError("config", "mysql target names no database", "Rehearsals copy one MySQL database: the environment's URL names none (mysql+pymysql://user@host/database).");
  // On MySQL a schema is a database on the same server: Alembic given -x version_table_schema=<other> on the copy reads and writes the real version table.
  if (o.versionTableSchema && o.versionTableSchema !== database) {
    throw new AppError(
      "config",
      "rehearsal: mysql version table in another database",
      `Rehearsal is not available for a MySQL environment whose version table lives in another database (${o.versionTableSchema}): Alembic would write the real version table there, not the copy's. Move the version table into the application database (${database}), or rehearse on a separate server (the project's rehearsal.url) with a user that can only reach cairn_rehearsal_% databases.`,
    );
  }
  const name = scratchDatabaseName(o.id);
  const address = (s: typeof target.settings, db: string): DatabaseAddress => ({ host: s.socketPath ?? s.host, port: String(s.port), database: db });
  assertScratchIsNotTarget(address(server.settings, name), address(target.settings, database));
  const redact = createRedactor([o.targetUrl, serverUrl]);
  const scratchUrl = mysqlUrlForDatabase(serverUrl, name);
  const budget = { connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 };
  const withMysql = async <T>(url: string, fn: (c: Awaited<ReturnType<typeof openMysqlConnection>>["conn"]) => Promise<T>): Promise<T> => {
    const { conn } = await openMysqlConnection(url, budget);
    try {
      return await fn(conn);
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  };

  if (o.withData) {
    const size = await withMysql(o.targetUrl, async (c) => {
      const [rows] = await c.query<RowDataPacket[]>("SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS size FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [database]);
      return Number(rows[0]?.size ?? 0);
    }).catch((e: unknown) => {
      throw new AppError("unreachable", "rehearsal: target unreadable", `Cairn could not read the target to copy it: ${describeDriverError(e, o.targetUrl).message}.`);
    });
    if (size > o.withData.maxBytes) {
      throw new AppError(
        "config",
        `target too large for a data copy: ${size}`,
        `The target holds ${Math.round(size / 1_048_576)} MB, over the rehearsal's data-copy cap of ${Math.round(o.withData.maxBytes / 1_048_576)} MB. Raise rehearsal.maxDataMb for this environment or set rehearsal.withData to false (schema only).`,
      );
    }
  }

  await withMysql(serverUrl, async (c) => {
    await c.query(`CREATE DATABASE ${quoteMysqlIdent(name)}`);
    try {
      await c.query(`CREATE TABLE ${quoteMysqlIdent(name)}.${quoteMysqlIdent(SCRATCH_OWNER_TABLE)} (owner TEXT NOT NULL)`);
      await c.query(`INSERT INTO ${quoteMysqlIdent(name)}.${quoteMysqlIdent(SCRATCH_OWNER_TABLE)} (owner) VALUES (?)`, [JSON.stringify(ownerRecord())]);
    } catch (e) {
      // Without its owner record the sweep could only tell the copy is a leftover after 6 h: drop it now.
      await c
        .query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(name)}`)
        .catch((dropError: unknown) => console.error(`rehearsal: could not drop ${name} after its owner record failed`, describeDriverError(dropError, serverUrl).message));
      throw e;
    }
  }).catch((e: unknown) => {
    const d = describeDriverError(e, serverUrl);
    const denied = /ER_DBACCESS_DENIED|ER_ACCESS_DENIED|denied/i.test(`${(e as { code?: string }).code ?? ""} ${d.message}`);
    throw new AppError(
      "config",
      `rehearsal: cannot create ${name}: ${d.message}`,
      denied
        ? `Cairn may not create databases on the rehearsal server as ${server.settings.user ?? "this user"}. Grant it CREATE and DROP on \`cairn\\_rehearsal\\_%\`.* (GRANT ALL ON \`cairn\\_rehearsal\\_%\`.* TO …), or set the project's rehearsal.url to a MySQL server where Cairn may.`
        : `Cairn could not create the scratch database ${name} on the rehearsal server: ${d.message}.`,
    );
  });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    await withMysql(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(name)}`));
    dropped = true;
  };
  try {
    const source = mysqlClientArgs(target.settings);
    const sink = mysqlClientArgs(server.settings);
    // No events: an enabled scheduled EVENT copied into the scratch database would run there, on the target's server.
    const dumpArgs = [...source.args, "--single-transaction", "--skip-lock-tables", "--skip-comments", "--skip-add-locks", "--no-tablespaces", "--routines", "--triggers", "--skip-events"];
    const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
      const e = {} as NodeJS.ProcessEnv;
      for (const [k, v] of Object.entries(process.env)) if (!/^(MYSQL_\w+|DATABASE_URL|CAIRN_.*)$/.test(k)) e[k] = v;
      return { ...e, ...extra };
    };
    const dumps = [{ args: [...dumpArgs, ...(o.withData ? [] : ["--no-data"]), "--", database], env: env(source.env) }];
    if (!o.withData)
      dumps.push({ args: [...source.args, "--single-transaction", "--skip-lock-tables", "--skip-comments", "--no-create-info", "--skip-add-locks", "--no-tablespaces", "--", database, o.versionTable], env: env(source.env) });
    const piped = await pipeDumpsIntoPsql(dumps, { args: [...sink.args, "--", name], env: env(sink.env) }, 3_600_000, { dump: "mysqldump", restore: "mysql" });
    if (piped.dumpFailed) {
      const what = piped.dumpFailed.index === 0 ? "the target's schema" : "the version table's rows";
      const line = redact(firstLine(piped.dumpFailed.stderr));
      throw new AppError("unreachable", `mysqldump failed: ${line}`, `mysqldump could not copy ${what}: ${line || `exit ${piped.dumpFailed.code}`}.`);
    }
    if (piped.restoreFailed) {
      const line = redact(firstLine(piped.restoreFailed.stderr));
      throw new AppError("internal", `mysql restore failed: ${line}`, `The target's schema could not be loaded into the scratch copy: ${line || `exit ${piped.restoreFailed.code}`}.`);
    }
    // The same expression cairn_rehearse.py evaluates on whatever env.py connected to.
    const identity = await withMysql(scratchUrl, async (c) => {
      const [rows] = await c.query<RowDataPacket[]>("SELECT CONCAT(@@hostname, ':', @@port) AS server");
      return String(rows[0]!.server);
    });
    return { url: scratchUrl, name, dialect: "mysql", server: identity, targetDatabase: database, drop };
  } catch (e) {
    await drop().catch(() => {});
    if (isAppError(e)) throw e;
    throw new AppError("unreachable", "rehearsal: mysql copy failed", `Cairn could not copy the target into ${name}: ${describeDriverError(e, serverUrl).message}.`);
  }
}

/** Makes a scratch copy of the target: PostgreSQL on the rehearsal server, SQLite in a temporary directory, MySQL/MariaDB on the target's server. */
export async function createScratchDatabase(o: CreateScratchOptions): Promise<ScratchDatabase> {
  const scheme = urlScheme(o.targetUrl);
  if (scheme === "postgresql" || scheme === "postgres") return createPostgresScratch(o);
  if (scheme === "sqlite") return createSqliteScratch(o);
  if (scheme === "mysql" || scheme === "mariadb") return createMysqlScratch(o);
  throw new AppError("config", `rehearsal: unsupported ${scheme}`, `Rehearsal supports PostgreSQL, MySQL/MariaDB and SQLite; this environment's database ("${scheme ?? "unknown"}") is not one of them.`);
}

// ───────────────────────────── sweeping ─────────────────────────────

/**
 * On one MySQL/MariaDB server (reached through `url`, any database on it): every `cairn_rehearsal_*`
 * database whose `cairn_rehearsal_owner` row makes it a leftover; one without a readable owner
 * record (made before the record existed, or killed between CREATE DATABASE and the record) once
 * its oldest table is 6 h old — MySQL keeps no create time for a database itself, so an empty one is left alone.
 */
async function sweepMysqlServer(url: string, now: number): Promise<string[]> {
  const dropped: string[] = [];
  const { conn } = await openMysqlConnection(url, { connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 });
  try {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT s.SCHEMA_NAME AS name, MIN(t.CREATE_TIME) AS created FROM information_schema.SCHEMATA s
         LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME
        WHERE s.SCHEMA_NAME LIKE 'cairn\\_rehearsal\\_%' GROUP BY s.SCHEMA_NAME`,
    );
    for (const r of rows) {
      const name = String(r.name);
      if (!isScratchDatabaseName(name)) continue;
      const owner = await conn
        .query<RowDataPacket[]>(`SELECT owner FROM ${quoteMysqlIdent(name)}.${quoteMysqlIdent(SCRATCH_OWNER_TABLE)} LIMIT 1`)
        .then(([o]) => parseOwner(o[0] ? String(o[0].owner) : null))
        .catch(() => null);
      const created = r.created instanceof Date ? r.created.getTime() : r.created ? Date.parse(String(r.created)) : NaN;
      const leftover = owner ? isLeftover(owner, now) : Number.isFinite(created) && now - created > MAX_SCRATCH_AGE_MS;
      if (!leftover) continue;
      // A killed rehearsal's Alembic can outlive it inside a transaction (step_delay, a long ALTER), and its metadata lock would hold
      // DROP DATABASE until it ends: end those sessions first (a user may kill its own; others need PROCESS and CONNECTION ADMIN/SUPER).
      const [sessions] = await conn.query<RowDataPacket[]>("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()", [name]);
      for (const s of sessions) await conn.query(`KILL CONNECTION ${Number(s.id)}`).catch(() => {});
      await conn.query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(name)}`);
      dropped.push(name);
    }
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
  return dropped;
}

/**
 * Drops scratch databases left behind by a rehearsal whose process died (`kill -9`, a crash): on
 * each given PostgreSQL or MySQL/MariaDB server, every `cairn_rehearsal_*` database whose owner record names this
 * host and a process that is gone, or that is older than 6 h (MySQL: see sweepMysqlServer); and the same for SQLite copies in the
 * temporary directory. Returns the names dropped. Errors per server are returned, not thrown.
 */
export async function sweepScratchDatabases(serverUrls: readonly string[], o: { tmpDir?: string; now?: number } = {}): Promise<{ dropped: string[]; problems: string[] }> {
  const dropped: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const now = o.now ?? Date.now();
  for (const url of serverUrls) {
    if (isMysqlUrl(url)) {
      const p = parseMysqlUrl(url);
      if (!p.ok) continue;
      const key = `mysql:${p.settings.socketPath ?? p.settings.host}:${p.settings.port}:${p.settings.user ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        dropped.push(...(await sweepMysqlServer(url, now)));
      } catch (e) {
        problems.push(describeDriverError(e, url).message);
      }
      continue;
    }
    let key: string;
    try {
      const p = pgParts(url);
      key = `${p.host}:${p.port}:${p.user}`;
    } catch {
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await withServerAdmin(url, async (c) => {
        const rows = await c.query<{ datname: string; owner: string | null }>("SELECT datname, shobj_description(oid, 'pg_database') AS owner FROM pg_database WHERE datname LIKE 'cairn\\_rehearsal\\_%'");
        for (const r of rows.rows) {
          if (!isScratchDatabaseName(r.datname) || !isLeftover(parseOwner(r.owner), now)) continue;
          await dropScratch(c, r.datname);
          dropped.push(r.datname);
        }
      });
    } catch (e) {
      problems.push(describeDriverError(e, url).message);
    }
  }
  const tmp = o.tmpDir ?? os.tmpdir();
  for (const entry of fs.readdirSync(tmp).filter((n) => n.startsWith(SQLITE_DIR_PREFIX))) {
    const dir = path.join(tmp, entry);
    const owner = parseOwner(fs.existsSync(path.join(dir, "owner.json")) ? fs.readFileSync(path.join(dir, "owner.json"), "utf8") : null);
    if (!isLeftover(owner, now)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    dropped.push(entry);
  }
  return { dropped, problems };
}
