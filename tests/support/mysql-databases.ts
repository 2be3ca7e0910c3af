import mysql from "mysql2/promise";
import { randomBytes } from "node:crypto";

/** Local MariaDB/MySQL only: the suites refuse anything else. Alembic reaches it through PyMySQL. */
export const MYSQL_ADMIN_URL = process.env.CAIRN_TEST_MYSQL_URL ?? "mysql+pymysql://root@127.0.0.1:3306/";

function adminSettings(): { host: string; port: number; user: string; password?: string } {
  const u = new URL(MYSQL_ADMIN_URL.replace(/^[a-z]+(\+[a-z0-9_]+)?:/i, "http:"));
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(u.hostname)) {
    throw new Error(`Refusing to run tests against non-local database host ${u.hostname}`);
  }
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || "root"), ...(u.password ? { password: decodeURIComponent(u.password) } : {}) };
}

/** Runs `fn` on a fresh connection to the server (optionally inside `database`), closing it whatever happens. */
export async function withMysql<T>(fn: (c: mysql.Connection) => Promise<T>, database?: string): Promise<T> {
  const c = await mysql.createConnection({ ...adminSettings(), ...(database ? { database } : {}), multipleStatements: true });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The admin URL pointed at one database, in the given SQLAlchemy spelling (`mysql+pymysql`, `mariadb+pymysql`, …). */
export function mysqlUrl(database: string, scheme = "mysql+pymysql"): string {
  return MYSQL_ADMIN_URL.replace(/^[a-z]+(\+[a-z0-9_]+)?:/i, `${scheme}:`).replace(/\/[^/?]*(\?.*)?$/, `/${database}$1`);
}

/** Creates a fresh database named `cairn_test_mysql_<label>_<random>`; returns its URL and a drop function. */
export async function createMysqlTestDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  adminSettings();
  const name = `cairn_test_mysql_${label}_${randomBytes(3).toString("hex")}`;
  await withMysql((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  return {
    url: mysqlUrl(name),
    name,
    async drop() {
      await withMysql((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}
