import "server-only";
import fs from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { isAppError } from "@/lib/errors";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { describeDriverError } from "@/lib/targets/describe-driver-error";
import { introspectMysql } from "@/lib/targets/introspect-mysql";
import { introspectPostgres } from "@/lib/targets/introspect-postgres";
import { introspectSqlite } from "@/lib/targets/introspect-sqlite";
import { MysqlUrlError, openMysqlConnection } from "@/lib/targets/open-mysql-connection";
import { parseSqliteUrl } from "@/lib/targets/parse-sqlite-url";
import { toPgConnectionString } from "@/lib/targets/read-postgres-version-table";
import { urlScheme } from "@/lib/targets/read-version-table";
import type { UnreachableReason } from "@/lib/targets/types";
import { scrubSecrets } from "@/lib/secrets/mask-url";

export interface ReadEnvironmentSnapshotOptions {
  /** The resolved (decrypted) URL. Never echoed: every message is scrubbed of it. */
  url: string;
  /** Where relative SQLite paths resolve (the project's directory). */
  baseDir: string;
  versionTable: string;
  versionTableSchema?: string | null;
  /** The environment's connect budget; introspection statements get a larger one (it runs many queries). */
  timeoutMs: number;
}

export type SnapshotResult = { ok: true; snapshot: SchemaSnapshot } | { ok: false; reason: UnreachableReason; message: string };

/** Introspection runs a dozen catalog queries: each gets at least this long, whatever the connect budget. */
const MIN_STATEMENT_MS = 10_000;

function failure(e: unknown, url: string): SnapshotResult {
  if (isAppError(e)) {
    // Introspection's own errors (catalog permission, a corrupt file) already say what to do.
    const reason: UnreachableReason = e.code === "forbidden" ? "permission denied" : "error";
    return { ok: false, reason, message: scrubSecrets(e.userMessage, [url]) };
  }
  return { ok: false, ...describeDriverError(e, url) };
}

async function readPostgres(o: ReadEnvironmentSnapshotOptions, deadlineMs: number): Promise<SnapshotResult> {
  const connectMs = Math.max(1, Math.floor(o.timeoutMs));
  const statementMs = Math.max(connectMs, MIN_STATEMENT_MS);
  const client = new pg.Client({
    connectionString: toPgConnectionString(o.url),
    connectionTimeoutMillis: connectMs,
    statement_timeout: statementMs,
    lock_timeout: statementMs,
    query_timeout: statementMs + 200,
    idle_in_transaction_session_timeout: statementMs * 2,
    application_name: "cairn-drift",
  });
  // A socket error after we gave up must not become an unhandled 'error' event.
  client.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SnapshotResult>((resolve) => {
    timer = setTimeout(() => {
      void client.end().catch(() => {});
      resolve({ ok: false, reason: "timed out", message: `timed out: reading the schema took longer than ${deadlineMs} ms` });
    }, deadlineMs);
  });
  const work = (async (): Promise<SnapshotResult> => {
    try {
      await client.connect();
      const snapshot = await introspectPostgres(client, { versionTable: o.versionTable, versionTableSchema: o.versionTableSchema ?? null });
      return { ok: true, snapshot };
    } catch (e) {
      return failure(e, o.url);
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => {});
  }
}

async function readMysql(o: ReadEnvironmentSnapshotOptions, deadlineMs: number): Promise<SnapshotResult> {
  const connectMs = Math.max(1, Math.floor(o.timeoutMs));
  const statementMs = Math.max(connectMs, MIN_STATEMENT_MS);
  let conn: Awaited<ReturnType<typeof openMysqlConnection>>["conn"] | undefined;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SnapshotResult>((resolve) => {
    timer = setTimeout(() => {
      gaveUp = true;
      conn?.destroy();
      resolve({ ok: false, reason: "timed out", message: `timed out: reading the schema took longer than ${deadlineMs} ms` });
    }, deadlineMs);
  });
  const work = (async (): Promise<SnapshotResult> => {
    try {
      conn = (await openMysqlConnection(o.url, { connectTimeoutMs: connectMs, statementTimeoutMs: statementMs })).conn;
      if (gaveUp) return { ok: false, reason: "timed out", message: "timed out" };
      const snapshot = await introspectMysql(conn, { versionTable: o.versionTable, versionTableSchema: o.versionTableSchema ?? null });
      return { ok: true, snapshot };
    } catch (e) {
      if (e instanceof MysqlUrlError) return { ok: false, reason: "invalid url", message: `invalid database URL: ${e.message}` };
      return failure(e, o.url);
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // Introspection only reads: nothing to finish, so the socket is closed at once.
    conn?.destroy();
  }
}

function readSqlite(o: ReadEnvironmentSnapshotOptions): SnapshotResult {
  const target = parseSqliteUrl(o.url, o.baseDir);
  if (target.kind === "invalid") return { ok: false, reason: "invalid url", message: `invalid SQLite URL: ${target.message}` };
  if (target.kind === "memory") {
    return { ok: false, reason: "unsupported database", message: "an in-memory SQLite database (sqlite://) has no schema Cairn can read; point the URL at a file" };
  }
  if (!fs.existsSync(target.path)) return { ok: false, reason: "SQLite file missing", message: `SQLite file missing: ${target.path} does not exist` };
  let db: Database.Database | undefined;
  try {
    // Read-only and never created: looking must not change the environment.
    db = new Database(target.path, { readonly: true, fileMustExist: true, timeout: Math.min(o.timeoutMs, 250) });
    return { ok: true, snapshot: introspectSqlite(db, { versionTable: o.versionTable }) };
  } catch (e) {
    return failure(e, o.url);
  } finally {
    db?.close();
  }
}

/**
 * Reads an environment's schema through its resolved URL: PostgreSQL and MySQL/MariaDB with connect
 * and statement timeouts and an overall deadline, SQLite read-only. Returns the snapshot, or why it could not be
 * read (unreachable, permission, missing file) in words with no credential in them.
 */
export async function readEnvironmentSnapshot(o: ReadEnvironmentSnapshotOptions): Promise<SnapshotResult> {
  const scheme = urlScheme(o.url);
  if (scheme === "sqlite") return readSqlite(o);
  if (scheme === "postgresql" || scheme === "postgres") return readPostgres(o, Math.max(o.timeoutMs, 1000) + MIN_STATEMENT_MS * 2);
  if (scheme === "mysql" || scheme === "mariadb") return readMysql(o, Math.max(o.timeoutMs, 1000) + MIN_STATEMENT_MS * 2);
  if (!scheme) return { ok: false, reason: "invalid url", message: "the database URL is not a URL (expected e.g. postgresql://user@host/db, mysql+pymysql://user@host/db or sqlite:///file.db)" };
  return { ok: false, reason: "unsupported database", message: `"${scheme}" schemas cannot be read for drift; Cairn reads PostgreSQL, MySQL/MariaDB and SQLite` };
}
