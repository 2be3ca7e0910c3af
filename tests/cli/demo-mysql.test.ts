/**
 * `npm run demo -- --mysql mysql+pymysql://root@127.0.0.1:3306/` builds the demo's environments on
 * MariaDB with real Alembic (scripts/demo-environments.mjs); `cairn status` then reads them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script shared with `npm run demo`, without type declarations.
import { prepareDemoEnvironments, writeDemoConfig } from "@/scripts/demo-environments.mjs";
import { runCairn } from "@/tests/cli/run-cairn";
import { MYSQL_ADMIN_URL, withMysql } from "@/tests/support/mysql-databases";

const PREFIX = `cairn_test_mysql_demo${process.pid}_`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-demo-mysql-"));
afterAll(async () => {
  for (const env of ["qa", "staging", "production"]) await withMysql((c) => c.query(`DROP DATABASE IF EXISTS \`${PREFIX}${env}\``));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the demo on MariaDB", () => {
  it("builds qa, staging and production as MariaDB databases with Alembic, and cairn status reads them", async () => {
    const lines: string[] = [];
    const prepared = await prepareDemoEnvironments({ dir, mysqlBaseUrl: `${MYSQL_ADMIN_URL}?charset=utf8mb4`, fresh: true, dbPrefix: PREFIX, log: (l: string) => lines.push(l) });
    expect(prepared.environments.map((e: { url: string }) => e.url)).toEqual(["qa", "staging", "production"].map((n) => `mysql+pymysql://root@127.0.0.1:3306/${PREFIX}${n}?charset=utf8mb4`));
    expect(lines.join("\n")).toMatch(/qa\s+alembic upgrade core@head \+ reporting@3d5f7b9d1fa1/);
    const { file, envVars } = writeDemoConfig({ dir, environments: prepared.environments, alembic: prepared.alembic, pg: true });
    // Server URLs reach the config through env: references only.
    expect(fs.readFileSync(file, "utf8")).not.toContain("mysql+pymysql");
    const r = await runCairn(["status", "--config", file, "--json"], { ...envVars, CAIRN_CACHE_DIR: path.join(dir, ".cache") }, dir);
    expect(r.stderr).toBe("");
    const envs = JSON.parse(r.stdout).projects[0].environments as { name: string; state: string; tooLong: string[]; versionNumWidth: number }[];
    expect(envs.map((e) => [e.name, e.state])).toEqual([
      ["qa", "behind"],
      ["staging", "behind"],
      ["production", "behind"],
    ]);
    // The reporting chain's 38-character head does not fit MySQL's VARCHAR(32): the width check says so.
    expect(envs[0]).toMatchObject({ versionNumWidth: 32 });
    expect(envs[0]!.tooLong.some((rev) => rev.length > 32)).toBe(true);
  }, 120_000);
});
