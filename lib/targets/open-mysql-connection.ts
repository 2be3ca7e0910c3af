import "server-only";
import fs from "node:fs";
import mysql from "mysql2/promise";
import { parseMysqlUrl, type MysqlConnectionSettings } from "@/lib/targets/parse-mysql-url";

/** The server Cairn reached: MariaDB and MySQL differ in timeouts and information_schema details. */
export interface MysqlServer {
  flavor: "mariadb" | "mysql";
  /** e.g. [10, 11, 19] or [8, 0, 36]. */
  version: [number, number, number];
  /** DATABASE(): the URL's database, or null when the URL names none. */
  database: string | null;
}

export interface OpenMysqlConnectionOptions {
  /** Budget for the TCP/socket connect and handshake. */
  connectTimeoutMs: number;
  /** Budget for each statement, enforced by the server (and by mysql2 as a backstop). */
  statementTimeoutMs: number;
}

/** A URL Cairn cannot read as MySQL: thrown with a plain message (no URL in it). */
export class MysqlUrlError extends Error {
  readonly code = "INVALID_URL";
}

function connectionConfig(s: MysqlConnectionSettings, o: OpenMysqlConnectionOptions): mysql.ConnectionOptions {
  return {
    ...(s.socketPath ? { socketPath: s.socketPath } : { host: s.host, port: s.port }),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.database !== undefined ? { database: s.database } : {}),
    ...(s.charset ? { charset: s.charset } : {}),
    ...(s.ssl
      ? {
          ssl: {
            ...(s.ssl.ca ? { ca: fs.readFileSync(s.ssl.ca, "utf8") } : {}),
            ...(s.ssl.cert ? { cert: fs.readFileSync(s.ssl.cert, "utf8") } : {}),
            ...(s.ssl.key ? { key: fs.readFileSync(s.ssl.key, "utf8") } : {}),
          },
        }
      : {}),
    connectTimeout: Math.max(1, Math.floor(o.connectTimeoutMs)),
    // Rows come back as strings: version ids and catalog text, never numbers to round or dates to shift.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  };
}

/**
 * Opens one mysql2 connection for a SQLAlchemy MySQL/MariaDB URL and bounds every statement on it:
 * MariaDB `max_statement_time` (seconds, any statement), MySQL `max_execution_time` (ms, SELECT only),
 * and `lock_wait_timeout` on both — a version table behind someone's LOCK TABLES or a running ALTER
 * waits on a metadata lock, which only that one ends. The caller closes the connection.
 */
export async function openMysqlConnection(url: string, o: OpenMysqlConnectionOptions): Promise<{ conn: mysql.Connection; server: MysqlServer }> {
  const parsed = parseMysqlUrl(url);
  if (!parsed.ok) throw new MysqlUrlError(parsed.message);
  const conn = await mysql.createConnection(connectionConfig(parsed.settings, o));
  // A late socket error after we gave up must not become an unhandled 'error' event.
  conn.on("error", () => {});
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>({ sql: "SELECT VERSION() AS v, DATABASE() AS db", timeout: o.statementTimeoutMs + 100 });
    const v = String(rows[0]?.v ?? "");
    const flavor = /mariadb/i.test(v) ? "mariadb" : "mysql";
    const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
    const seconds = Math.max(1, Math.ceil(o.statementTimeoutMs / 1000));
    const sets =
      flavor === "mariadb"
        ? `SET SESSION max_statement_time = ${(Math.max(1, o.statementTimeoutMs) / 1000).toFixed(3)}, lock_wait_timeout = ${seconds}, innodb_lock_wait_timeout = ${seconds}`
        : `SET SESSION max_execution_time = ${Math.max(1, Math.floor(o.statementTimeoutMs))}, lock_wait_timeout = ${seconds}, innodb_lock_wait_timeout = ${seconds}`;
    await conn.query({ sql: sets, timeout: o.statementTimeoutMs + 100 });
    return { conn, server: { flavor, version: [major, minor, patch], database: rows[0]?.db == null ? null : String(rows[0].db) } };
  } catch (e) {
    conn.destroy();
    throw e;
  }
}

/** Backtick-quotes an identifier (doubling any embedded backtick), so names are never pasted into SQL. */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}
