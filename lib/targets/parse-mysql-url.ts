/**
 * SQLAlchemy MySQL/MariaDB URLs as Alembic users write them, read into what Node's driver needs.
 * Pure and browser-safe (the environment form validates with it).
 *
 * Two drivers read the same URL: Alembic connects through the Python driver the URL names
 * (`mysql+pymysql://` → PyMySQL, `mysql://` and `mysql+mysqldb://` → mysqlclient, `mariadb+…` the
 * same drivers with SQLAlchemy's MariaDB dialect), while Cairn's own reads (status, drift) go through
 * the npm `mysql2` package. Both speak the same wire protocol, so the URL's host, port, socket, user,
 * password, database and charset mean the same to each; the `+driver` part only matters to Alembic.
 *
 * Forms accepted (SQLAlchemy's own):
 *   mysql+pymysql://user:pass@host:3306/db?charset=utf8mb4
 *   mysql://user@/db?unix_socket=/run/mysqld/mysqld.sock     (PyMySQL's and mysqlclient's spelling)
 *   mariadb+pymysql://user@localhost/db?ssl_ca=/etc/ca.pem
 */

/** Connection settings for mysql2, taken from the URL; never logged (holds the password). */
export interface MysqlConnectionSettings {
  /** "mysql" or "mariadb": SQLAlchemy's dialect. Both read the same information_schema. */
  dialect: "mysql" | "mariadb";
  /** The Python driver Alembic will use; mysqlclient when the URL names none (SQLAlchemy's default). */
  driver: string;
  host: string;
  port: number;
  /** A unix socket (`?unix_socket=`), used instead of host and port. */
  socketPath?: string;
  user?: string;
  password?: string;
  /** Undefined when the URL names none (then only a `version_table_schema` says where to look). */
  database?: string;
  /** `?charset=utf8mb4`: the connection's character set. */
  charset?: string;
  /** TLS file paths from `?ssl_ca=`/`ssl_cert=`/`ssl_key=`; `{}` for `?ssl=true`. Undefined: no TLS. */
  ssl?: { ca?: string; cert?: string; key?: string };
}

export type MysqlUrlParse = { ok: true; settings: MysqlConnectionSettings } | { ok: false; message: string };

const MYSQL_URL = /^(mysql|mariadb)(?:\+([A-Za-z0-9_]+))?:\/\/(.*)$/is;

/** True for `mysql://`, `mysql+pymysql://`, `mariadb+pymysql://` and the other MySQL dialect spellings. */
export function isMysqlUrl(url: string): boolean {
  return MYSQL_URL.test(url.trim());
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new Error(`the ${what} is not valid percent-encoding`);
  }
}

/**
 * Splits the URL the way SQLAlchemy's `make_url` does: userinfo up to the last "@", the password
 * after the first ":" of it, the host part up to the first "/", the query after "?".
 * Messages never quote the URL (it may hold a password).
 */
export function parseMysqlUrl(url: string): MysqlUrlParse {
  const m = MYSQL_URL.exec(url.trim());
  if (!m) return { ok: false, message: "not a MySQL URL (expected e.g. mysql+pymysql://user@host:3306/db)" };
  const dialect = m[1]!.toLowerCase() as "mysql" | "mariadb";
  const driver = (m[2] ?? "mysqldb").toLowerCase();
  let rest = m[3]!;
  let query = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  try {
    const at = rest.lastIndexOf("@");
    const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
    const hostAndPath = at >= 0 ? rest.slice(at + 1) : rest;
    const slash = hostAndPath.indexOf("/");
    const hostPort = slash >= 0 ? hostAndPath.slice(0, slash) : hostAndPath;
    const databasePart = slash >= 0 ? hostAndPath.slice(slash + 1) : "";

    let user: string | undefined;
    let password: string | undefined;
    if (userinfo !== undefined) {
      const colon = userinfo.indexOf(":");
      user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, "user name") || undefined;
      password = colon >= 0 ? decode(userinfo.slice(colon + 1), "password") : undefined;
    }

    // [::1]:3306, host:3306, host, or nothing (a socket URL: mysql://user@/db?unix_socket=…).
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
    if (!hp) return { ok: false, message: "the host part of the MySQL URL is not host or host:port" };
    const host = decode(hp[1]!.replace(/^\[(.*)\]$/, "$1"), "host") || "localhost";
    const port = hp[2] ? Number(hp[2]) : 3306;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return { ok: false, message: `the port in the MySQL URL must be 1–65535` };

    const params = new URLSearchParams(query);
    const socketPath = params.get("unix_socket") ?? undefined;
    const charset = params.get("charset") ?? undefined;
    const sslCa = params.get("ssl_ca") ?? undefined;
    const sslCert = params.get("ssl_cert") ?? undefined;
    const sslKey = params.get("ssl_key") ?? undefined;
    const sslFlag = params.get("ssl");
    const wantsSsl = sslCa !== undefined || sslCert !== undefined || sslKey !== undefined || (sslFlag !== null && !/^(false|0|no)$/i.test(sslFlag));
    const database = decode(databasePart, "database name") || undefined;
    if (database?.includes("/")) return { ok: false, message: "the database name in the MySQL URL holds a '/': percent-encode it as %2F" };

    return {
      ok: true,
      settings: {
        dialect,
        driver,
        host,
        port,
        ...(socketPath ? { socketPath } : {}),
        ...(user !== undefined ? { user } : {}),
        ...(password !== undefined ? { password } : {}),
        ...(database !== undefined ? { database } : {}),
        ...(charset ? { charset } : {}),
        ...(wantsSsl ? { ssl: { ...(sslCa ? { ca: sslCa } : {}), ...(sslCert ? { cert: sslCert } : {}), ...(sslKey ? { key: sslKey } : {}) } } : {}),
      },
    };
  } catch (e) {
    return { ok: false, message: `invalid MySQL URL: ${(e as Error).message}` };
  }
}

/**
 * The same server and options with another database in the path, keeping the scheme, driver,
 * credentials and query (`?charset=…&unix_socket=…`) exactly as written — e.g. a scratch database
 * for a rehearsal next to the target.
 */
export function mysqlUrlForDatabase(url: string, database: string): string {
  const trimmed = url.trim();
  const q = trimmed.indexOf("?");
  const [head, query] = q >= 0 ? [trimmed.slice(0, q), trimmed.slice(q)] : [trimmed, ""];
  const m = /^((?:mysql|mariadb)(?:\+[A-Za-z0-9_]+)?:\/\/(?:.*@)?[^@/]*)(?:\/.*)?$/is.exec(head);
  if (!m) throw new Error("not a MySQL URL");
  return `${m[1]}/${encodeURIComponent(database)}${query}`;
}

/**
 * Arguments for MariaDB's/MySQL's own command-line clients (`mysqldump`, `mysql`) reaching the URL's
 * server, and the environment that carries the password (MYSQL_PWD, so it never shows in `ps`).
 */
export function mysqlClientArgs(s: MysqlConnectionSettings): { args: string[]; env: Record<string, string> } {
  // --no-defaults first (the clients require it there): the URL says everything, and no option file of the
  // server's user (~/.my.cnf, /etc/mysql/…) may add a host, a user or a database to it.
  const args = ["--no-defaults", ...(s.socketPath ? [`--socket=${s.socketPath}`] : [`--host=${s.host}`, `--port=${s.port}`, "--protocol=TCP"])];
  if (s.user !== undefined) args.push(`--user=${s.user}`);
  if (s.charset) args.push(`--default-character-set=${s.charset}`);
  if (s.ssl?.ca) args.push(`--ssl-ca=${s.ssl.ca}`);
  if (s.ssl?.cert) args.push(`--ssl-cert=${s.ssl.cert}`);
  if (s.ssl?.key) args.push(`--ssl-key=${s.ssl.key}`);
  return { args, env: s.password !== undefined ? { MYSQL_PWD: s.password } : {} };
}
