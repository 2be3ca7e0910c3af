import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadCairnConfig, parseCairnConfig } from "@/lib/config/cairn-config";
import { AppError } from "@/lib/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const valid = {
  projects: [
    {
      name: "shop",
      alembic: "./alembic.ini",
      environments: [
        { name: "qa", url: "env:CAIRN_ENV_QA_DATABASE_URL" },
        { name: "production", url: "env:CAIRN_ENV_PROD_DATABASE_URL", protected: true, versionTable: "alembic_version", versionTableSchema: "public" },
      ],
    },
  ],
};

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected an error");
}

/** Raw JSON as a user might write it, wrong keys included. */
type LooseObject = Record<string, unknown>;
type Loose = { projects: [LooseObject & { environments: [LooseObject, LooseObject, ...LooseObject[]] }] };

describe("cairn.config.json", () => {
  it("accepts the documented shape, resolves paths against the file and fills defaults", () => {
    const cfg = parseCairnConfig(valid, "/srv/app/cairn.config.json");
    expect(cfg.file).toBe("/srv/app/cairn.config.json");
    const p = cfg.projects[0]!;
    expect(p.alembicPath).toBe("/srv/app/alembic.ini");
    expect(p.command).toEqual(["alembic"]);
    expect(p.urlEnvVar).toBe("DATABASE_URL");
    expect(p.environments.map((e) => e.name)).toEqual(["qa", "production"]);
    expect(p.environments[0]).toMatchObject({ protected: false, versionTable: "alembic_version", versionTableSchema: null, timeoutMs: 3000 });
    expect(p.environments[1]).toMatchObject({ protected: true, versionTableSchema: "public" });
  });

  it("accepts the optional per-project and per-environment keys", () => {
    const cfg = parseCairnConfig(
      {
        projects: [
          {
            ...valid.projects[0],
            command: ["poetry", "run", "alembic"],
            urlEnvVar: "SQLALCHEMY_URL",
            xArgs: ["tenant=acme"],
            constants: { "cli.BRANCH": "expand", X: null, Y: ["a", "b"] },
            environments: [{ name: "qa", url: "env:CAIRN_ENV_QA", timeoutMs: 5000, approvers: ["lead@example.com"] }],
          },
        ],
      },
      "c.json",
    );
    expect(cfg.projects[0]).toMatchObject({ command: ["poetry", "run", "alembic"], urlEnvVar: "SQLALCHEMY_URL", xArgs: ["tenant=acme"] });
    expect(cfg.projects[0]!.environments[0]).toMatchObject({ timeoutMs: 5000, approvers: ["lead@example.com"] });
  });

  it("reads beforeRun: Cairn's own backup with a retention count, or the operator's command; defaults filled in", () => {
    const cfg = parseCairnConfig(
      {
        projects: [
          {
            ...valid.projects[0],
            environments: [
              { name: "qa", url: "env:CAIRN_ENV_QA", beforeRun: { command: ["make", "backup-db"], timeoutMinutes: 5 } },
              { name: "production", url: "env:CAIRN_ENV_PROD", protected: true, beforeRun: { backup: true, keep: 3 } },
              { name: "staging", url: "env:CAIRN_ENV_STAGING", beforeRun: { backup: true } },
            ],
          },
        ],
      },
      "c.json",
    );
    const [qa, prod, staging] = cfg.projects[0]!.environments;
    expect(qa!.beforeRun).toEqual({ kind: "command", command: ["make", "backup-db"], timeoutMs: 300_000 });
    expect(prod!.beforeRun).toEqual({ kind: "backup", keep: 3, timeoutMs: 3_600_000 });
    expect(staging!.beforeRun).toEqual({ kind: "backup", keep: 7, timeoutMs: 3_600_000 });
    expect(parseCairnConfig(valid, "c.json").projects[0]!.environments[0]!.beforeRun).toBeNull();
  });

  it("refuses a beforeRun that says neither, both, a shell string or an unknown key, naming the path", () => {
    const withBeforeRun = (beforeRun: unknown) => {
      const bad = structuredClone(valid) as unknown as Loose;
      bad.projects[0].environments[1].beforeRun = beforeRun;
      return errorOf(() => parseCairnConfig(bad, "c.json")).userMessage;
    };
    expect(withBeforeRun({})).toContain('projects[0].environments[1].beforeRun: needs "backup": true or "command"');
    expect(withBeforeRun({ backup: true, command: ["make"] })).toContain("give either");
    expect(withBeforeRun({ command: "make backup-db" })).toContain("projects[0].environments[1].beforeRun.command");
    expect(withBeforeRun({ backup: false })).toContain("projects[0].environments[1].beforeRun.backup: must be true");
    expect(withBeforeRun({ command: ["make"], keep: 2 })).toContain("beforeRun.keep: applies to Cairn's own backups only");
    expect(withBeforeRun({ backup: true, retain: 2 })).toMatch(/beforeRun: unknown key "retain".*allowed: backup, keep, command, timeoutMinutes/);
  });

  it("rejects an unknown key, naming the key, the JSON path, the file and the allowed keys", () => {
    const bad = structuredClone(valid) as unknown as Loose;
    bad.projects[0].environments[1].protect = true;
    const e = errorOf(() => parseCairnConfig(bad, "/srv/app/cairn.config.json"));
    expect(e.code).toBe("config");
    expect(e.userMessage).toContain("/srv/app/cairn.config.json");
    expect(e.userMessage).toContain('projects[0].environments[1]: unknown key "protect"');
    expect(e.userMessage).toMatch(/allowed: name, url, protected/);
  });

  it("rejects unknown top-level and project keys too", () => {
    expect(errorOf(() => parseCairnConfig({ ...valid, extra: 1 }, "c.json")).userMessage).toContain('(top level): unknown key "extra"');
    const bad = structuredClone(valid) as unknown as Loose;
    bad.projects[0].alembicIni = "x";
    expect(errorOf(() => parseCairnConfig(bad, "c.json")).userMessage).toContain('projects[0]: unknown key "alembicIni"');
  });

  it("names the path of wrong types, missing fields, bad references and duplicates", () => {
    const bad = structuredClone(valid) as unknown as Loose;
    bad.projects[0].environments[0].url = "env:not a name";
    bad.projects[0].environments[1].protected = "yes";
    delete bad.projects[0].alembic;
    const msg = errorOf(() => parseCairnConfig(bad, "c.json")).userMessage;
    expect(msg).toContain("projects[0].environments[0].url: an env: reference must look like env:VARIABLE_NAME");
    expect(msg).toContain("projects[0].environments[1].protected");
    expect(msg).toContain("projects[0].alembic");
    const dup = structuredClone(valid) as unknown as Loose;
    dup.projects[0].environments.push({ name: "qa", url: "env:CAIRN_ENV_X" });
    expect(errorOf(() => parseCairnConfig(dup, "c.json")).userMessage).toContain('projects[0].environments[2].name: duplicate environment name "qa"');
    expect(errorOf(() => parseCairnConfig({ projects: [] }, "c.json")).userMessage).toContain("projects: declare at least one project");
  });

  it("reports a missing file and broken JSON without quoting the file's contents", () => {
    expect(errorOf(() => loadCairnConfig(path.join(tmp, "nope.json"))).userMessage).toMatch(/nope\.json does not exist.*--config/);
    const f = path.join(tmp, "broken.json");
    fs.writeFileSync(f, '{"projects": [\n  {"url": "postgresql://u:hunter2@db/x",}\n]}');
    const e = errorOf(() => loadCairnConfig(f));
    expect(e.userMessage).toMatch(/broken\.json is not valid JSON at line 2/);
    expect(e.userMessage).not.toContain("hunter2");
    expect(e.message).not.toContain("hunter2");
  });

  it("loads a file from disk", () => {
    const f = path.join(tmp, "cairn.config.json");
    fs.writeFileSync(f, JSON.stringify(valid));
    expect(loadCairnConfig(f).projects[0]!.alembicPath).toBe(path.join(tmp, "alembic.ini"));
  });
});
