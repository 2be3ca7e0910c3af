import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { run } from "@/cli/commands/status";
import { createTestDatabase } from "@/tests/support/databases";
import { alembic, copyFixture, LONG_REV, MAIN_HEAD } from "@/tests/environments/support";

let project: string;
let pgDb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  project = copyFixture("cairn-cli-");
  pgDb = await createTestDatabase("cairn_env_cli");
  alembic(project, ["upgrade", "heads"], { url: "sqlite:///qa.db" });
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: pgDb.url });
}, 120_000);
afterAll(async () => {
  await pgDb?.drop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

function writeConfig(name: string, config: unknown): string {
  const file = path.join(project, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function cairnStatus(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: project });
  return { code, stdout, stderr };
}

const shop = (environments: unknown[]) => ({ projects: [{ name: "shop", alembic: "./alembic.ini", environments }] });

describe("cairn status", () => {
  it("prints the documented JSON and exits 0 when every environment is readable and known", async () => {
    writeConfig(
      "cairn.config.json",
      shop([
        { name: "qa", url: "sqlite:///qa.db" },
        { name: "production", url: "env:CAIRN_ENV_CLI_PROD_URL", protected: true },
      ]),
    );
    const r = await cairnStatus(["--json"], { CAIRN_ENV_CLI_PROD_URL: pgDb.url });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["projects"]);
    const p = out.projects[0];
    expect(p.name).toBe("shop");
    // Heads come in Alembic 1.8's load order, the copied directory's listing order.
    expect([...p.heads].sort()).toEqual([MAIN_HEAD, LONG_REV].sort());
    expect(p.environments.map((e: { name: string; state: string }) => [e.name, e.state])).toEqual([
      ["qa", "current"],
      ["production", "behind"],
    ]);
    for (const e of p.environments) expect(e).toEqual(expect.objectContaining({ name: expect.any(String), state: expect.any(String), revisions: expect.any(Array), pending: expect.any(Array) }));
    expect(p.environments[1].revisions).toEqual(["1a2b3c4d5e01"]);
    expect(p.environments[1].pending).toHaveLength(5);
    expect(r.stdout).not.toContain(pgDb.url);
  });

  it("prints a table and exits 1 when an environment is unreachable or at an unknown revision", async () => {
    const file = writeConfig(
      "two.json",
      shop([
        { name: "qa", url: "sqlite:///qa.db" },
        { name: "staging", url: "env:CAIRN_ENV_CLI_UNSET" },
        { name: "production", url: "postgresql://postgres:topsecret-pw@127.0.0.1:1/postgres" },
      ]),
    );
    const r = await cairnStatus(["--config", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/shop\s+\(heads: (4d5e6f708104, 9e107d9d372b…|9e107d9d372b…, 4d5e6f708104)\)/);
    expect(r.stdout).toMatch(/ENVIRONMENT\s+STATE\s+REVISIONS\s+PENDING\s+NOTE/);
    expect(r.stdout).toMatch(/qa\s+current/);
    expect(r.stdout).toMatch(/staging\s+unreachable.*environment variable CAIRN_ENV_CLI_UNSET is not set/);
    expect(r.stdout).toMatch(/production\s+unreachable.*connection refused/);
    expect(r.stdout).toMatch(/longer than version_num \(32\)/);
    expect(r.stdout + r.stderr).not.toContain("topsecret-pw");
  });

  it("exits 2 for bad usage and for an unreadable or invalid config, saying what to fix", async () => {
    expect((await cairnStatus(["--bogus"])).code).toBe(2);
    expect((await cairnStatus(["--config"])).stderr).toMatch(/--config needs a file path/);
    const missing = await cairnStatus(["--config", "nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json does not exist/);
    const bad = writeConfig("bad.json", shop([{ name: "qa", url: "sqlite:///qa.db", timeout: 5 }]));
    const invalid = await cairnStatus(["--config", bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('projects[0].environments[0]: unknown key "timeout"');
    const noProject = writeConfig("noalembic.json", { projects: [{ name: "x", alembic: "./missing/alembic.ini", environments: [{ name: "qa", url: "sqlite:///qa.db" }] }] });
    const unreadable = await cairnStatus(["--config", noProject]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/project "x"/);
    expect((await cairnStatus(["--help"])).code).toBe(0);
  });
});
