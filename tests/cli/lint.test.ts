/**
 * `cairn lint` end to end: the real launcher, real Alembic rendering the lint fixtures offline,
 * JSON and SARIF outputs, exit codes, and --env reading a real PostgreSQL environment's version
 * table and live schema for the type-aware rules.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCairn } from "@/tests/cli/run-cairn";
import { createTestDatabase, withClient } from "@/tests/support/databases";

const PROJECT = path.resolve(import.meta.dirname, "../lint/project");
const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cli-lint-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface JsonFinding {
  rule: string;
  severity: string;
  revision: string;
  file: string;
  line: number | null;
  statement: string | null;
  message: string;
  fix: string;
  acknowledged?: string;
}

describe("cairn lint", () => {
  it("--json lists findings with the issue's fields and exits 1 on an unacknowledged error", async () => {
    const r = await runCairn(["lint", PROJECT, "--from", "start", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; migrations: number };
    expect(out.migrations).toBe(30);
    const drop = out.findings.find((f) => f.rule === "drop-table" && !f.acknowledged)!;
    expect(Object.keys(drop)).toEqual(["rule", "severity", "revision", "file", "line", "statement", "message", "fix"]);
    expect(drop).toMatchObject({ severity: "error", revision: "drop_table_bad", file: "versions/01_drop_table_bad.py", line: 17, statement: "DROP TABLE audit" });
    expect(out.findings.find((f) => f.revision === "ack_doc_ok")).toMatchObject({ rule: "drop-table", acknowledged: "the reports moved to the warehouse" });
  });

  it("exits 0 when only warnings and acknowledged errors remain (the default PATH is the current directory)", async () => {
    const r = await runCairn(["lint", "--from", "syntax_ok", "--to", "downgrade_raise_bad"], {}, PROJECT);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Linted 2 migration\(s\), syntax_ok → downgrade_raise_bad/);
    expect(r.stdout).toMatch(/irreversible-downgrade/);
    expect(r.stdout).toMatch(/0 error\(s\), 2 warning\(s\)/);
    const acked = await runCairn(["lint", "--from", "a_revision_id_longer_than_thirty_two", "--dialect", "postgresql"], {}, PROJECT);
    expect(acked.code).toBe(0);
    expect(acked.stdout).toMatch(/Acknowledged \(2, not counted\)/);
  });

  it("writes valid SARIF 2.1.0 with rules, levels, locations and in-source suppressions", async () => {
    const file = path.join(tmp, "lint.sarif");
    const r = await runCairn(["lint", path.join(PROJECT, "alembic.ini"), "--from", "start", "--sarif", file], {}, path.resolve(PROJECT, "../.."));
    expect(r.code).toBe(1);
    const log = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("cairn-lint");
    expect(run.tool.driver.rules).toHaveLength(15);
    for (const rule of run.tool.driver.rules) expect(rule).toMatchObject({ id: expect.any(String), shortDescription: { text: expect.any(String) } });
    expect(run.results.length).toBeGreaterThan(10);
    for (const res of run.results) {
      expect(res.ruleId).toBe(run.tool.driver.rules[res.ruleIndex].id);
      expect(["error", "warning", "note"]).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^lint\/project\/versions\/\d\d_.*\.py$/);
    }
    const drop = run.results.find((x: { ruleId: string }) => x.ruleId === "drop-table");
    expect(drop.locations[0].physicalLocation.region).toEqual({ startLine: 17 });
    const suppressed = run.results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed.map((x: { suppressions: { kind: string; justification: string }[] }) => x.suppressions[0]!.kind)).toEqual(Array(8).fill("inSource"));
  });

  it("exits 2 with a clear message for bad usage and an unreadable project", async () => {
    const bad = await runCairn(["lint", "--dialect", "oracle"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dialect must be one of postgresql, sqlite, mysql \(got "oracle"\)/);
    const unknown = await runCairn(["lint", "--frm", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option "--frm"/);
    const noConfig = await runCairn(["lint", "--env", "qa"]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/--env needs the project's configuration/);
    const missing = await runCairn(["lint", path.join(tmp, "nowhere")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cairn lint: /);
    const badFrom = await runCairn(["lint", PROJECT, "--from", "no_such_revision"]);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toMatch(/no_such_revision/);
  });

  describe("--config --project --env on a real PostgreSQL environment", () => {
    let db: { url: string; name: string; drop(): Promise<void> };
    let config: string;
    beforeAll(async () => {
      db = await createTestDatabase("cairn_lint_cli");
      // The environment stands at events_table, with a version_num wide enough for the long id.
      await withClient(db.url, async (c) => {
        await c.query("CREATE TABLE alembic_version (version_num VARCHAR(40) NOT NULL PRIMARY KEY)");
        await c.query("INSERT INTO alembic_version VALUES ('events_table')");
        await c.query("CREATE TABLE events (id SERIAL PRIMARY KEY, payload JSON, data JSONB)");
        await c.query("CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT, legacy2 TEXT)");
        await c.query("CREATE TABLE old_reports (id SERIAL PRIMARY KEY)");
      });
      config = path.join(tmp, "cairn.config.json");
      const environments = [{ name: "staging", url: "env:CAIRN_ENV_LINT_STAGING" }];
      fs.writeFileSync(config, JSON.stringify({ projects: [{ name: "fixtures", alembic: PROJECT, command: ALEMBIC, environments }] }));
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("starts where the environment stands and reads its live schema and version_num width", async () => {
      const r = await runCairn(["lint", "--config", config, "--project", "fixtures", "--env", "staging", "--json"], { CAIRN_ENV_LINT_STAGING: db.url });
      expect(r.stderr).toBe("");
      const out = JSON.parse(r.stdout) as { findings: JsonFinding[]; migrations: number };
      expect(out.migrations).toBe(9);
      const counted = out.findings.filter((f) => !f.acknowledged).map((f) => `${f.revision}:${f.rule}`);
      // events was created before the environment's revision: only its live schema says payload is json.
      expect(counted).toContain("jsonb_bad:jsonb-operator-on-json");
      // VARCHAR(40) holds the 36-character id.
      expect(counted.some((c) => c.endsWith("revision-id-too-long"))).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain(db.url);
    });
  });
});
