import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mysqlRunLockName } from "@/lib/targets/mysql-run-lock-name";
import { isMysqlUrl, mysqlClientArgs, mysqlUrlForDatabase, parseMysqlUrl } from "@/lib/targets/parse-mysql-url";
import { urlScheme } from "@/lib/targets/read-version-table";
import { ZDatabaseUrlSchema } from "@/lib/projects/environment.types";
import { dialectOfUrl } from "@/lib/runner/describe-run-failure";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { decryptSecret, encryptSecret } from "@/lib/secrets/encrypt-secret";
import { maskUrl, scrubSecrets } from "@/lib/secrets/mask-url";

describe("parseMysqlUrl: the URLs Alembic users write", () => {
  it.each([
    ["mysql://app:s3cret@db.internal:3307/shop", { dialect: "mysql", driver: "mysqldb", host: "db.internal", port: 3307, user: "app", password: "s3cret", database: "shop" }],
    ["mysql+pymysql://app@127.0.0.1/shop?charset=utf8mb4", { dialect: "mysql", driver: "pymysql", host: "127.0.0.1", port: 3306, user: "app", database: "shop", charset: "utf8mb4" }],
    ["mysql+mysqldb://root@localhost/shop", { driver: "mysqldb", host: "localhost", database: "shop" }],
    ["mariadb+pymysql://app:p%40ss%3Aw@[::1]:3306/shop", { dialect: "mariadb", driver: "pymysql", host: "::1", password: "p@ss:w", database: "shop" }],
    ["mysql+pymysql://app@/shop?unix_socket=/run/mysqld/mysqld.sock&charset=utf8mb4", { host: "localhost", socketPath: "/run/mysqld/mysqld.sock", database: "shop", charset: "utf8mb4" }],
    ["mysql+pymysql://app@db/shop?ssl_ca=/etc/ca.pem", { ssl: { ca: "/etc/ca.pem" } }],
    ["mysql+pymysql://root@127.0.0.1:3306/", { host: "127.0.0.1" }],
  ])("%s", (url, expected) => {
    const r = parseMysqlUrl(url);
    expect(r.ok).toBe(true);
    expect(r.ok && r.settings).toMatchObject(expected);
    expect(isMysqlUrl(url)).toBe(true);
  });

  it("a URL without a database leaves it undefined; a bad port is refused without quoting the URL", () => {
    const r = parseMysqlUrl("mysql+pymysql://root@127.0.0.1:3306/");
    expect(r.ok && r.settings.database).toBeUndefined();
    const bad = parseMysqlUrl("mysql+pymysql://root:topsecret@host:99999/db");
    expect(bad).toEqual({ ok: false, message: "the port in the MySQL URL must be 1–65535" });
    expect(parseMysqlUrl("postgresql://x@y/z").ok).toBe(false);
    expect(isMysqlUrl("postgresql://x@y/z")).toBe(false);
  });

  it("every spelling maps to the mysql reader and the mysql dialect", () => {
    for (const url of ["mysql://a@b/c", "mysql+pymysql://a@b/c", "mysql+mysqldb://a@b/c", "mariadb+pymysql://a@b/c", "mariadb://a@b/c"]) {
      expect(["mysql", "mariadb"]).toContain(urlScheme(url));
      expect(dialectOfUrl(url)).toBe("mysql");
    }
  });

  it("points the same URL at another database, and gives the command-line clients the same server", () => {
    expect(mysqlUrlForDatabase("mysql+pymysql://app:p%40ss@db:3307/shop?charset=utf8mb4", "shop_scratch_1")).toBe("mysql+pymysql://app:p%40ss@db:3307/shop_scratch_1?charset=utf8mb4");
    expect(mysqlUrlForDatabase("mariadb+pymysql://root@127.0.0.1:3306/", "x")).toBe("mariadb+pymysql://root@127.0.0.1:3306/x");
    expect(mysqlUrlForDatabase("mysql://app@/shop?unix_socket=/run/mysqld/mysqld.sock", "y")).toBe("mysql://app@/y?unix_socket=/run/mysqld/mysqld.sock");
    const tcp = parseMysqlUrl("mysql+pymysql://app:p%40ss@db:3307/shop?charset=utf8mb4");
    expect(tcp.ok && mysqlClientArgs(tcp.settings)).toEqual({ args: ["--no-defaults", "--host=db", "--port=3307", "--protocol=TCP", "--user=app", "--default-character-set=utf8mb4"], env: { MYSQL_PWD: "p@ss" } });
    const sock = parseMysqlUrl("mysql://app@/shop?unix_socket=/run/mysqld/mysqld.sock");
    expect(sock.ok && mysqlClientArgs(sock.settings)).toEqual({ args: ["--no-defaults", "--socket=/run/mysqld/mysqld.sock", "--user=app"], env: {} });
  });

  it("the environment form and API accept every spelling, and say what is wrong with a broken one", () => {
    for (const url of ["mysql://a@b/c", "mysql+pymysql://a:p%40ss@b:3307/c?charset=utf8mb4", "mariadb+pymysql://a@/c?unix_socket=/run/mysqld/mysqld.sock"]) {
      expect(ZDatabaseUrlSchema.safeParse(url).success, url).toBe(true);
    }
    const bad = ZDatabaseUrlSchema.safeParse("mysql+pymysql://a:secret-pw@b:70000/c");
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("the port in the MySQL URL must be 1–65535");
    expect(JSON.stringify(bad.error?.issues)).not.toContain("secret-pw");
  });

  it("names the runner's GET_LOCK: cairn-run: + sha1 of the database name (cairn_run.py computes the same)", () => {
    expect(mysqlRunLockName("shop")).toBe("cairn-run:5042d146667518a1a5017644946b8650aafca44c");
    expect(mysqlRunLockName("x".repeat(64)).length).toBeLessThanOrEqual(64);
  });
});

describe("MySQL URLs are masked, scrubbed and encrypted like the others", () => {
  it("masks the password in every form, the mysqlclient passwd= parameter too", () => {
    expect(maskUrl("mysql+pymysql://app:s3cret@db:3306/shop?charset=utf8mb4")).toBe("mysql+pymysql://app:****@db:3306/shop?charset=utf8mb4");
    expect(maskUrl("mariadb+pymysql://app:p%40ss@db/shop")).toBe("mariadb+pymysql://app:****@db/shop");
    expect(maskUrl("mysql://app@/shop?unix_socket=/run/mysqld/mysqld.sock")).toBe("mysql://app@/shop?unix_socket=/run/mysqld/mysqld.sock");
    expect(maskUrl("mysql+mysqldb://app@db/shop?passwd=hunter22")).toBe("mysql+mysqldb://app@db/shop?passwd=****");
    const url = "mysql+pymysql://app:s3cret-pw@db/shop";
    expect(scrubSecrets("(1045, \"Access denied for user 'app'@'10.0.0.1' (using password: YES)\") s3cret-pw", [url])).not.toContain("s3cret-pw");
    expect(createRedactor([url])("sqlalchemy url mysql+pymysql://app:s3cret-pw@db/shop")).not.toContain("s3cret-pw");
    expect(createRedactor([])("connect(host='db', user='app', passwd=s3cret-pw)")).not.toContain("s3cret-pw");
  });

  it("round-trips through the store's encryption", () => {
    const key = randomBytes(32);
    const url = "mysql+pymysql://app:s3cret@db/shop?unix_socket=/run/mysqld/mysqld.sock";
    const sealed = encryptSecret(url, key);
    expect(sealed).not.toContain("s3cret");
    expect(decryptSecret(sealed, key)).toBe(url);
  });
});
