import "server-only";
import type mysql from "mysql2/promise";
import { describeDriverError } from "@/lib/targets/describe-driver-error";
import { MysqlUrlError, openMysqlConnection, quoteMysqlIdent } from "@/lib/targets/open-mysql-connection";
import type { ReadVersionTableOptions, VersionTableReader, VersionTableReadResult } from "@/lib/targets/types";

/** ER_NO_SUCH_TABLE: the version table (or the database named by version_table_schema) is not there. */
const NO_SUCH_TABLE = 1146;
/** ER_BAD_DB_ERROR on a qualified name: the version_table_schema database does not exist yet. */
const BAD_DB = 1049;

/**
 * Reads `version_num` rows of a MySQL/MariaDB database in a READ ONLY transaction, with the server
 * bounding each statement and lock wait, mysql2 bounding connect and query, and the connection
 * destroyed on every path, including abort.
 *
 * `version_table_schema` is another database on the same server (MySQL has no schemas inside a
 * database). The table is read directly rather than looked up in information_schema first:
 * information_schema hides tables a user has no privilege on, which would report "uninitialized"
 * where the truth is "permission denied" (MySQL answers a SELECT on such a table with 1142).
 */
export async function readMysqlVersionTable(opts: ReadVersionTableOptions): Promise<VersionTableReadResult> {
  const timeout = Math.max(1, Math.floor(opts.timeoutMs));
  let conn: mysql.Connection | undefined;
  let aborted = false;
  let healthy = false;
  const abort = () => {
    aborted = true;
    conn?.destroy();
  };
  opts.signal?.addEventListener("abort", abort, { once: true });
  try {
    if (opts.signal?.aborted) throw Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
    const opened = await openMysqlConnection(opts.url, { connectTimeoutMs: timeout, statementTimeoutMs: timeout });
    conn = opened.conn;
    if (aborted) throw Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
    const schema = opts.versionTableSchema || opened.server.database;
    if (!schema) {
      return {
        ok: false,
        reason: "invalid url",
        message: "invalid database URL: it names no database (write mysql+pymysql://user@host:3306/dbname, or set version_table_schema)",
      };
    }
    const qualified = `${quoteMysqlIdent(schema)}.${quoteMysqlIdent(opts.versionTable)}`;
    await conn.query({ sql: "START TRANSACTION READ ONLY", timeout: timeout + 100 });
    let revisions: string[];
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>({ sql: `SELECT version_num FROM ${qualified}`, timeout: timeout + 100 });
      revisions = rows.map((r) => String(r.version_num));
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      if (errno === NO_SUCH_TABLE || errno === BAD_DB) return { ok: true, tableExists: false, revisions: [] };
      throw e;
    }
    // CHARACTER_MAXIMUM_LENGTH counts characters, as VARCHAR(n) does; strict mode (the default
    // since MySQL 5.7 and MariaDB 10.2.4) refuses a longer id instead of cutting it.
    const [width] = await conn.query<mysql.RowDataPacket[]>({
      sql: `SELECT CHARACTER_MAXIMUM_LENGTH AS width FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'version_num'`,
      values: [schema, opts.versionTable],
      timeout: timeout + 100,
    });
    await conn.query({ sql: "ROLLBACK", timeout: timeout + 100 });
    healthy = true;
    const w = width[0]?.width;
    return { ok: true, tableExists: true, revisions, ...(w != null ? { versionNumWidth: Number(w) } : {}) };
  } catch (e) {
    if (e instanceof MysqlUrlError) return { ok: false, reason: "invalid url", message: `invalid database URL: ${e.message}` };
    if (aborted) return { ok: false, reason: "timed out", message: `timed out after ${timeout} ms` };
    return { ok: false, ...describeDriverError(e, opts.url) };
  } finally {
    opts.signal?.removeEventListener("abort", abort);
    // A clean goodbye when every statement answered; otherwise destroy: end() sends COM_QUIT and
    // waits for a server that may be stuck.
    if (healthy && conn) await conn.end().catch(() => conn?.destroy());
    else conn?.destroy();
  }
}

export const mysqlVersionTableReader: VersionTableReader = {
  schemes: ["mysql", "mariadb"],
  readVersionTable: readMysqlVersionTable,
};
