/**
 * `cairn status` end to end: the real launcher reading a tiny config that points at real SQLite
 * files (stamped like Alembic stamps them), in JSON, with exit 1 when an environment is unreachable.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { runCairn } from "@/tests/cli/run-cairn";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cli-status-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const SHOP = path.resolve(import.meta.dirname, "../../examples/shop");

function stamp(file: string, revisions: string[]): void {
  const db = new Database(file);
  db.exec("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
  for (const r of revisions) db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(r);
  db.close();
}

function config(name: string, environments: { name: string; url: string }[]): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ projects: [{ name: "shop", alembic: SHOP, environments }] }));
  return file;
}

describe("cairn status", () => {
  it("--json reports each environment from its SQLite version table, exit 0 when all are readable", async () => {
    const qa = path.join(tmp, "qa.db");
    const staging = path.join(tmp, "staging.db");
    stamp(qa, ["2b4d6f8a977a", "6e8a0c2e4ab2"]);
    stamp(staging, ["c47e9d2a5b18"]);
    const file = config("ok", [
      { name: "qa", url: `sqlite:///${qa}` },
      { name: "staging", url: `sqlite:///${staging}` },
    ]);
    const r = await runCairn(["status", "--config", file, "--json"], { CAIRN_CACHE_DIR: path.join(tmp, "cache") });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { projects: { name: string; heads: string[]; environments: { name: string; state: string; revisions: string[]; pending: string[] }[] }[] };
    expect(out.projects).toHaveLength(1);
    expect(out.projects[0]!.heads).toEqual(["6e8a0c2e4ab2", "2b4d6f8a977a"]);
    const [qaEnv, stagingEnv] = out.projects[0]!.environments;
    expect(qaEnv).toMatchObject({ name: "qa", state: "current", pending: [] });
    expect([...qaEnv!.revisions].sort()).toEqual(["2b4d6f8a977a", "6e8a0c2e4ab2"]);
    expect(stagingEnv!.name).toBe("staging");
    expect(stagingEnv!.revisions).toEqual(["c47e9d2a5b18"]);
    expect(stagingEnv!.pending.length).toBeGreaterThan(0);
  });

  it("exits 1 when an environment is unreachable, and says why", async () => {
    const qa = path.join(tmp, "qa2.db");
    stamp(qa, ["2b4d6f8a977a", "6e8a0c2e4ab2"]);
    const missing = path.join(tmp, "nowhere", "prod.db");
    const file = config("unreachable", [
      { name: "qa", url: `sqlite:///${qa}` },
      { name: "production", url: `sqlite:///${missing}` },
    ]);
    const r = await runCairn(["status", "--config", file, "--json"], { CAIRN_CACHE_DIR: path.join(tmp, "cache") });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { projects: { environments: { name: string; state: string; error?: string }[] }[] };
    const prod = out.projects[0]!.environments.find((e) => e.name === "production");
    expect(prod).toMatchObject({ state: "unreachable" });
    expect(prod!.error).toContain(missing);
    const text = await runCairn(["status", "--config", file], { CAIRN_CACHE_DIR: path.join(tmp, "cache") });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/production\s+unreachable/);
  });

  it("exits 2 on a configuration it cannot read, naming the file", async () => {
    const missing = path.join(tmp, "absent.json");
    const r = await runCairn(["status", "--config", missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing} does not exist`);
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ projects: [{ name: "shop", alembic: SHOP, environments: [{ name: "qa", url: "sqlite://", colour: "blue" }] }] }));
    const r2 = await runCairn(["status", "--config", bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('unknown key "colour"');
    const usage = await runCairn(["status", "--frobnicate"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown argument "--frobnicate"');
  });
});
