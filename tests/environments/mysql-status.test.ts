import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type mysql from "mysql2/promise";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { readProjectStatus, type StatusEnvironmentInput } from "@/lib/targets/read-project-status";
import { createMysqlTestDatabase, mysqlUrl, withMysql } from "@/tests/support/mysql-databases";
import { addMigration, alembic, closedPort, copyFixture, LONG_REV, MAIN_HEAD, withUser } from "@/tests/environments/support";
import mysqlDriver from "mysql2/promise";

type TestDb = Awaited<ReturnType<typeof createMysqlTestDatabase>>;
const dbs: Record<string, TestDb> = {};
const suffix = randomBytes(3).toString("hex");
const NOGRANT = `cairn_nogrant_${suffix}`;
const SOCKET = "/run/mysqld/mysqld.sock";
let project: string;
let newer: string;
let lockHolder: mysql.Connection | undefined;
let port: number;

const ok = (url: string) => ({ ok: true as const, url });
const env = (name: string, url: string, extra: Partial<StatusEnvironmentInput> = {}): StatusEnvironmentInput => ({ name, url: ok(url), ...extra });

beforeAll(async () => {
  project = copyFixture("cairn-mysql-envp-");
  newer = copyFixture("cairn-mysql-envp-newer-");
  addMigration(newer, "5e6f70819205", MAIN_HEAD);
  for (const k of ["current", "ops", "behind", "rows", "unknown", "empty", "uninit", "locked", "socket"]) dbs[k] = await createMysqlTestDatabase(k);

  // current: every head applied, into a custom version table kept in another database
  // (version_table_schema), wide enough for the 40-character id.
  await withMysql((c) => c.query(`CREATE TABLE \`${dbs.ops!.name}\`.cairn_versions (version_num varchar(64) NOT NULL PRIMARY KEY)`));
  alembic(project, ["upgrade", "heads"], { url: dbs.current!.url, versionTable: "cairn_versions", versionTableSchema: dbs.ops!.name });
  alembic(project, ["upgrade", "2b3c4d5e6f02"], { url: mysqlUrl(dbs.behind!.name, "mariadb+pymysql") });
  alembic(project, ["upgrade", MAIN_HEAD], { url: dbs.rows!.url });
  alembic(project, ["upgrade", "reporting@7f10aa000001"], { url: dbs.rows!.url });
  alembic(newer, ["upgrade", "5e6f70819205"], { url: dbs.unknown!.url });
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: dbs.empty!.url });
  alembic(project, ["downgrade", "base"], { url: dbs.empty!.url });
  // locked: another session holds LOCK TABLES … WRITE, so reading the version table waits on a metadata lock.
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: dbs.locked!.url });
  lockHolder = await mysqlDriver.createConnection({ host: "127.0.0.1", port: 3306, user: "root", database: dbs.locked!.name });
  await lockHolder.query("LOCK TABLES alembic_version WRITE");
  // socket: Alembic itself reaches the server through the unix socket URL.
  if (fs.existsSync(SOCKET)) alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: `mysql+pymysql://root@/${dbs.socket!.name}?unix_socket=${SOCKET}&charset=utf8mb4` });

  await withMysql((c) => c.query(`CREATE USER '${NOGRANT}'@'%' IDENTIFIED BY 'pw-${suffix}'; CREATE USER '${NOGRANT}'@'localhost' IDENTIFIED BY 'pw-${suffix}'`));
  port = await closedPort();
}, 180_000);

afterAll(async () => {
  await lockHolder?.end().catch(() => {});
  for (const d of Object.values(dbs)) await d.drop();
  await withMysql((c) => c.query(`DROP USER IF EXISTS '${NOGRANT}'@'%'; DROP USER IF EXISTS '${NOGRANT}'@'localhost'`));
  for (const dir of [project, newer]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("MariaDB environments brought to each state by real Alembic (PyMySQL)", () => {
  it("reads every state in parallel; a locked version table times out without delaying the others", async () => {
    const { graph, project: loaded } = readProjectGraph(path.join(project, "alembic.ini"));
    const status = await readProjectStatus(
      {
        name: "shop",
        alembicPath: path.join(project, "alembic.ini"),
        environments: [
          env("current", dbs.current!.url, { versionTable: "cairn_versions", versionTableSchema: dbs.ops!.name }),
          env("behind", mysqlUrl(dbs.behind!.name, "mariadb+pymysql")),
          env("rows", `${mysqlUrl(dbs.rows!.name, "mysql")}?charset=utf8mb4`),
          env("unknown", mysqlUrl(dbs.unknown!.name, "mysql+mysqldb")),
          env("empty", dbs.empty!.url),
          env("uninit", dbs.uninit!.url),
          env("locked", dbs.locked!.url, { timeoutMs: 1500 }),
          env("socket", `mysql+pymysql://root@/${dbs.socket!.name}?unix_socket=${SOCKET}&charset=utf8mb4`),
          env("nosocket", `mysql+pymysql://root@/${dbs.socket!.name}?unix_socket=/tmp/cairn-no-such-${suffix}.sock`),
          env("denied", withUser(mysqlUrl(dbs.behind!.name), `cairn_ghost_${suffix}`, "hunter2-secret")),
          env("nogrant", withUser(mysqlUrl(dbs.behind!.name), NOGRANT, `pw-${suffix}`)),
          env("missingdb", mysqlUrl(`cairn_test_mysql_missing_${suffix}`)),
          env("closed", `mysql+pymysql://root:pw-${suffix}@127.0.0.1:${port}/x`),
          env("nohost", "mysql+pymysql://root@cairn-no-such-host.invalid/x"),
          env("nodb", "mysql+pymysql://root@127.0.0.1:3306/"),
        ],
      },
      { graph: { graph, rootDir: loaded.location.rootDir } },
    );
    const by = Object.fromEntries(status.environments.map((e) => [e.name, e]));

    expect(by.current).toMatchObject({ state: "current", pending: [], versionNumWidth: 64, tooLong: [] });
    expect(new Set(by.current!.revisions)).toEqual(new Set([MAIN_HEAD, LONG_REV]));

    expect(by.behind).toMatchObject({ state: "behind", revisions: ["2b3c4d5e6f02"], versionNumWidth: 32, tooLong: [LONG_REV] });
    expect(new Set(by.behind!.pending)).toEqual(new Set(["3c4d5e6f7003", MAIN_HEAD, "7f10aa000001", LONG_REV]));

    expect(by.rows!.state).toBe("behind");
    expect(new Set(by.rows!.revisions)).toEqual(new Set([MAIN_HEAD, "7f10aa000001"]));
    expect(by.rows!.pending).toEqual([LONG_REV]);

    expect(by.unknown).toMatchObject({ state: "unknown-revision", revisions: ["5e6f70819205"], unknownRevisions: ["5e6f70819205"] });
    expect(by.empty).toMatchObject({ state: "empty", revisions: [], versionNumWidth: 32 });
    expect(by.empty!.pending).toHaveLength(6);
    expect(by.uninit).toMatchObject({ state: "uninitialized", revisions: [], tooLong: [] });
    expect(by.uninit!.versionNumWidth).toBeUndefined();

    // The socket form is checked wherever MariaDB listens on its socket — always in CI, which starts it.
    if (process.env.CI === "true" || fs.existsSync(SOCKET)) expect(by.socket).toMatchObject({ state: "behind", revisions: ["1a2b3c4d5e01"] });
    expect(by.nosocket).toMatchObject({ state: "unreachable", reason: "connection refused" });

    expect(by.locked).toMatchObject({ state: "unreachable", reason: "timed out" });
    expect(by.locked!.durationMs).toBeGreaterThanOrEqual(1400);
    expect(by.denied).toMatchObject({ state: "unreachable", reason: "authentication failed" });
    expect(by.denied!.error).toMatch(/^authentication failed: Access denied for user 'cairn_ghost_/);
    expect(by.nogrant).toMatchObject({ state: "unreachable", reason: "permission denied" });
    expect(by.nogrant!.error).toMatch(/Access denied for user .* to database/);
    expect(by.missingdb).toMatchObject({ state: "unreachable", reason: "database does not exist" });
    expect(by.missingdb!.error).toMatch(/Unknown database/);
    expect(by.closed).toMatchObject({ state: "unreachable", reason: "connection refused" });
    expect(by.nohost).toMatchObject({ state: "unreachable", reason: "host not found" });
    expect(by.nodb).toMatchObject({ state: "unreachable", reason: "invalid url" });
    expect(by.nodb!.error).toMatch(/names no database/);
    for (const e of status.environments.filter((x) => x.state === "unreachable")) {
      expect(e.error, e.name).toMatch(new RegExp(`^${e.reason === "invalid url" ? "invalid database URL" : e.reason}`));
    }

    const serialized = JSON.stringify(status);
    expect(serialized).not.toContain(`pw-${suffix}`);
    expect(serialized).not.toContain("hunter2-secret");
  });

  it("reads only and closes its connections; quotes identifiers instead of pasting them", async () => {
    const { graph } = readProjectGraph(path.join(project, "alembic.ini"));
    const s = await readProjectStatus(
      {
        name: "shop",
        alembicPath: project,
        environments: [env("behind", dbs.behind!.url), env("evil", dbs.behind!.url, { versionTable: "alembic_version`; DROP TABLE orders; --" })],
      },
      { graph: { graph, rootDir: project } },
    );
    expect(s.environments.map((e) => e.state)).toEqual(["behind", "uninitialized"]);
    const left = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()", [dbs.behind!.name]));
    expect(Number(left[0][0]!.n)).toBe(0);
    const tables = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1", [dbs.behind!.name]));
    expect(tables[0].map((r) => r.t)).toEqual(["alembic_version", "customers", "orders"]);
  });

  it("strict mode refuses the over-long id, as the width the status reports says it would", async () => {
    const [[mode]] = await withMysql((c) => c.query<mysql.RowDataPacket[]>("SELECT @@GLOBAL.sql_mode AS m"));
    expect(String(mode!.m)).toMatch(/STRICT_TRANS_TABLES|STRICT_ALL_TABLES/);
    // The status above said behind's version_num holds 32 and LONG_REV is 40: real Alembic fails writing it.
    expect(() => alembic(project, ["upgrade", LONG_REV], { url: dbs.behind!.url })).toThrow(/Data too long for column 'version_num'/);
  });
});
