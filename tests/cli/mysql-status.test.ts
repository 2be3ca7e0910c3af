/**
 * `cairn status` through the real launcher on a project whose environments live on SQLite,
 * PostgreSQL and MariaDB at once, each brought to its state by real Alembic.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCairn } from "@/tests/cli/run-cairn";
import { alembic, closedPort, copyFixture, LONG_REV, MAIN_HEAD } from "@/tests/environments/support";
import { createTestDatabase } from "@/tests/support/databases";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";

let project: string;
let pgDb: Awaited<ReturnType<typeof createTestDatabase>>;
let myStaging: Awaited<ReturnType<typeof createMysqlTestDatabase>>;
let myProd: Awaited<ReturnType<typeof createMysqlTestDatabase>>;
let port: number;
const USER = `cairn_cli_${process.pid}`;
const PASSWORD = "cli-s3cret-pw";

beforeAll(async () => {
  project = copyFixture("cairn-cli-mysql-");
  pgDb = await createTestDatabase("cairn_env_cli_mix");
  myStaging = await createMysqlTestDatabase("cli_staging");
  myProd = await createMysqlTestDatabase("cli_prod");
  await withMysql((c) => c.query(`CREATE USER ?@'%' IDENTIFIED BY ?; GRANT ALL ON \`${myProd.name}\`.* TO ?@'%'`, [USER, PASSWORD, USER]));
  // The width of a MySQL version table holds the 40-character head only when created wider.
  await withMysql((c) => c.query("CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY)"), myStaging.name);
  alembic(project, ["upgrade", "heads"], { url: "sqlite:///qa.db" });
  alembic(project, ["upgrade", "heads"], { url: myStaging.url });
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: pgDb.url });
  alembic(project, ["upgrade", "3c4d5e6f7003"], { url: myProd.url });
  port = await closedPort();
}, 180_000);

afterAll(async () => {
  await pgDb?.drop();
  await myStaging?.drop();
  await myProd?.drop();
  await withMysql((c) => c.query("DROP USER IF EXISTS ?@'%'", [USER]));
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

function writeConfig(name: string, environments: unknown[]): string {
  const file = path.join(project, name);
  fs.writeFileSync(file, JSON.stringify({ projects: [{ name: "shop", alembic: "./alembic.ini", environments }] }, null, 2));
  return file;
}

describe("cairn status with SQLite, PostgreSQL and MySQL environments in one project", () => {
  it("--json reads each through its own driver; exit 0 when all are readable and known", async () => {
    const file = writeConfig("mixed.json", [
      { name: "qa", url: "sqlite:///qa.db" },
      { name: "staging", url: "env:CAIRN_ENV_CLI_MY_STAGING" },
      { name: "preprod", url: "env:CAIRN_ENV_CLI_PG" },
      { name: "production", url: "env:CAIRN_ENV_CLI_MY_PROD", protected: true },
    ]);
    const prodUrl = `mariadb+pymysql://${USER}:${PASSWORD}@127.0.0.1:3306/${myProd.name}?charset=utf8mb4`;
    const r = await runCairn(["status", "--config", file, "--json"], { CAIRN_ENV_CLI_MY_STAGING: myStaging.url, CAIRN_ENV_CLI_PG: pgDb.url, CAIRN_ENV_CLI_MY_PROD: prodUrl, CAIRN_CACHE_DIR: path.join(project, ".cache") }, project);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const env = JSON.parse(r.stdout).projects[0].environments as { name: string; state: string; revisions: string[]; pending: string[]; versionNumWidth?: number; tooLong: string[] }[];
    expect(env.map((e) => [e.name, e.state])).toEqual([
      ["qa", "current"],
      ["staging", "current"],
      ["preprod", "behind"],
      ["production", "behind"],
    ]);
    expect(new Set(env[1]!.revisions)).toEqual(new Set([MAIN_HEAD, LONG_REV]));
    expect(env[1]!.versionNumWidth).toBe(64);
    expect(env[3]).toMatchObject({ revisions: ["3c4d5e6f7003"], versionNumWidth: 32, tooLong: [LONG_REV] });
    expect(r.stdout).not.toContain(PASSWORD);
  }, 60_000);

  it("the table says why a MySQL environment is unreachable, in plain words, exit 1", async () => {
    const file = writeConfig("broken.json", [
      { name: "qa", url: "sqlite:///qa.db" },
      { name: "staging", url: `mysql+pymysql://${USER}:wrong-${PASSWORD}@127.0.0.1:3306/${myProd.name}` },
      { name: "preprod", url: `mysql+pymysql://root@127.0.0.1:3306/cairn_test_mysql_cli_missing` },
      { name: "production", url: `mysql://root:${PASSWORD}@127.0.0.1:${port}/shop` },
    ]);
    const r = await runCairn(["status", "--config", file], { CAIRN_CACHE_DIR: path.join(project, ".cache") }, project);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/qa\s+current/);
    expect(r.stdout).toMatch(/staging\s+unreachable.*authentication failed: Access denied for user/);
    expect(r.stdout).toMatch(/preprod\s+unreachable.*database does not exist: Unknown database 'cairn_test_mysql_cli_missing'/);
    expect(r.stdout).toMatch(/production\s+unreachable.*connection refused/);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }, 60_000);
});
