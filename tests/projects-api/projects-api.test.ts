import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { decryptSecret } from "@/lib/secrets/encrypt-secret";
import { parseCairnConfig } from "@/lib/config/cairn-config";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import * as projectsRoute from "@/app/api/projects/route";
import * as projectRoute from "@/app/api/projects/[project]/route";
import * as envsRoute from "@/app/api/projects/[project]/envs/route";
import * as envRoute from "@/app/api/projects/[project]/envs/[env]/route";
import * as orderRoute from "@/app/api/projects/[project]/envs/order/route";
import * as testRoute from "@/app/api/projects/[project]/envs/[env]/test/route";

const EXAMPLE = path.resolve(import.meta.dirname, "../../examples/shop");
const SECRET_URL = "postgresql://app:s3cret@127.0.0.1:5432/x";
const keyHex = randomBytes(32).toString("hex");
const key = Buffer.from(keyHex, "hex");

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let dir: string;
let admin: { id: string; cookie: string };
const others: Record<string, string> = {};

/** Real Alembic (Debian's) against a SQLite file in the copied project; the URL goes through the environment. */
function alembic(args: string[]): void {
  const r = spawnSync("/usr/bin/alembic", ["-c", path.join(dir, "alembic.ini"), ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir(), PYTHONDONTWRITEBYTECODE: "1", DATABASE_URL: "sqlite:///qa.db" } as unknown as NodeJS.ProcessEnv,
  });
  if (r.status !== 0) throw new Error(`alembic ${args.join(" ")} failed: ${r.stderr}${r.stdout}`);
}

beforeAll(async () => {
  // getSecretKey() reads CAIRN_SECRET_KEY.
  process.env.CAIRN_SECRET_KEY = keyHex;
  delete process.env.CAIRN_CONFIG;
  // Paths set through the API must lie inside the projects root: here, the temp directory.
  process.env.CAIRN_PROJECTS_ROOT = fs.realpathSync(os.tmpdir());
  app = await useAppStore("cairn_projects_api");
  db = app.db;
  admin = await signedIn(db, "admin");
  for (const role of ["viewer", "qa", "release_manager"] as const) others[role] = (await signedIn(db, role)).cookie;

  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cairn-projects-api-")));
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  alembic(["upgrade", "19ad5c3e7f24"]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  delete process.env.CAIRN_PROJECTS_ROOT;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const as = (cookie: string | undefined) => ({
  get: (p: string) => projectsRoute.GET(request("GET", p, { cookie }), ctx({})),
  createProject: (b: unknown) => projectsRoute.POST(request("POST", "/api/projects", { cookie, body: b }), ctx({})),
  patchProject: (project: string, b: unknown) => projectRoute.PATCH(request("PATCH", `/api/projects/${project}`, { cookie, body: b }), ctx({ project })),
  deleteProject: (project: string) => projectRoute.DELETE(request("DELETE", `/api/projects/${project}`, { cookie }), ctx({ project })),
  createEnv: (project: string, b: unknown) => envsRoute.POST(request("POST", `/api/projects/${project}/envs`, { cookie, body: b }), ctx({ project })),
  patchEnv: (project: string, env: string, b: unknown) => envRoute.PATCH(request("PATCH", `/api/projects/${project}/envs/${env}`, { cookie, body: b }), ctx({ project, env })),
  deleteEnv: (project: string, env: string) => envRoute.DELETE(request("DELETE", `/api/projects/${project}/envs/${env}`, { cookie }), ctx({ project, env })),
  order: (project: string, order: unknown) => orderRoute.PUT(request("PUT", `/api/projects/${project}/envs/order`, { cookie, body: { order } }), ctx({ project })),
  test: (project: string, env: string) => testRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/test`, { cookie }), ctx({ project, env })),
});

// Response bodies are asserted field by field; a loose type keeps the assertions short.
/** Reads a response's text once and returns it with the parsed body, so a test can search the raw bytes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function read(res: Response): Promise<{ status: number; text: string; json: any }> {
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

describe("projects and environments over the JSON API", () => {
  it("registers a project only when Cairn can read its alembic path, with field errors as 422", async () => {
    const api = as(admin.cookie);
    const missing = await read(await api.createProject({ name: "shop", alembicPath: path.join(dir, "nope/alembic.ini") }));
    expect(missing.status).toBe(422);
    expect(missing.json.error.issues).toEqual([{ path: "alembicPath", message: expect.stringMatching(/nope\/alembic\.ini does not exist/) }]);
    expect(missing.json.error.message).toMatch(/alembicPath: .*does not exist/);

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-empty-"));
    const none = await read(await api.createProject({ name: "shop", alembicPath: empty }));
    fs.rmSync(empty, { recursive: true, force: true });
    expect(none.status).toBe(422);
    expect(none.json.error.issues[0].message).toMatch(/holds no alembic\.ini and no pyproject\.toml/);

    const invalid = await read(await api.createProject({ name: "bad name!", alembicPath: "", command: [] }));
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["alembicPath", "command", "name"]);
    expect(await db.project.count()).toBe(0);

    // command and xArgs are the operator's (cairn.config.json): see trust-boundaries.test.ts.
    const created = await read(
      await api.createProject({
        name: "shop",
        alembicPath: path.join(dir, "alembic.ini"),
        constants: { "cli.BRANCH": "core" },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.json.project).toMatchObject({
      name: "shop",
      source: "ui",
      alembicPath: path.join(dir, "alembic.ini"),
      command: ["alembic"],
      urlEnvVar: "DATABASE_URL",
      xArgs: [],
      constants: { "cli.BRANCH": "core" },
      environments: [],
    });
    expect((await read(await api.createProject({ name: "shop", alembicPath: path.join(dir, "alembic.ini") }))).status).toBe(409);

    // PATCH changes only what it names; a bad new path is refused the same way.
    const patched = await read(await api.patchProject("shop", { urlEnvVar: "SHOP_DB_URL" }));
    expect(patched.json.project).toMatchObject({ urlEnvVar: "SHOP_DB_URL", command: ["alembic"], constants: { "cli.BRANCH": "core" } });
    const badPatch = await read(await api.patchProject("shop", { alembicPath: "/nowhere/alembic.ini" }));
    expect(badPatch.status).toBe(422);
    expect(badPatch.json.error.issues[0]).toMatchObject({ path: "alembicPath", message: expect.stringMatching(/\/nowhere\/alembic\.ini is outside the projects root/) });
    expect((await db.project.findUniqueOrThrow({ where: { name: "shop" } })).alembicPath).toBe(path.join(dir, "alembic.ini"));
  });

  it("stores a literal URL only encrypted and never sends its password back", async () => {
    const api = as(admin.cookie);
    const ref = await read(await api.createEnv("shop", { name: "staging", url: "env:CAIRN_ENV_SHOP_STAGING_URL" }));
    expect(ref.status).toBe(201);
    expect(ref.json.environment).toMatchObject({ name: "staging", position: 0, urlMasked: "env:CAIRN_ENV_SHOP_STAGING_URL", urlKind: "env" });

    const lit = await read(await api.createEnv("shop", { name: "production", url: SECRET_URL, protected: true, approvers: ["boss@example.com"], versionTableSchema: "" }));
    expect(lit.status).toBe(201);
    expect(lit.text).not.toContain("s3cret");
    expect(lit.json.environment).toMatchObject({ name: "production", position: 1, urlMasked: "postgresql://app:****@127.0.0.1:5432/x", urlKind: "literal", protected: true, versionTableSchema: null });
    expect(lit.json.environment).not.toHaveProperty("urlEncrypted");

    const qa = await read(await api.createEnv("shop", { name: "qa", url: "sqlite:///qa.db", timeoutMs: 5000 }));
    expect(qa.status).toBe(201);

    const row = await db.environment.findFirstOrThrow({ where: { name: "production" } });
    expect(row.urlRef).toBeNull();
    expect(row.urlEncrypted).toBeTruthy();
    expect(row.urlEncrypted).not.toContain("s3cret");
    expect(row.urlEncrypted).not.toBe(SECRET_URL);
    expect(decryptSecret(row.urlEncrypted!, key)).toBe(SECRET_URL);
    expect((await db.environment.findFirstOrThrow({ where: { name: "staging" } })).urlEncrypted).toBeNull();

    const bad = await read(await api.createEnv("shop", { name: "dev", url: "mssql://root:pw@db/x", timeoutMs: 5 }));
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["timeoutMs", "url"]);
    expect(bad.json.error.issues.find((i: { path: string }) => i.path === "url").message).toMatch(/env:VARIABLE_NAME or a postgresql/);
    expect((await read(await api.createEnv("shop", { name: "qa", url: "env:CAIRN_ENV_X" }))).status).toBe(409);
    expect((await read(await api.createEnv("nope", { name: "qa", url: "env:CAIRN_ENV_X" }))).status).toBe(404);

    // Every signed-in role may list; what they get is the public shape.
    for (const cookie of [admin.cookie, others.viewer!]) {
      const list = await read(await as(cookie).get("/api/projects"));
      expect(list.status).toBe(200);
      expect(list.text).not.toMatch(/s3cret|urlEncrypted|v1\./);
      expect(list.json.projects[0].environments.map((e: { name: string; urlMasked: string }) => [e.name, e.urlMasked])).toEqual([
        ["staging", "env:CAIRN_ENV_SHOP_STAGING_URL"],
        ["production", "postgresql://app:****@127.0.0.1:5432/x"],
        ["qa", "sqlite:///qa.db"],
      ]);
    }
    const one = await read(await projectRoute.GET(request("GET", "/api/projects/shop", { cookie: others.viewer }), ctx({ project: "shop" })));
    expect(one.status).toBe(200);
    expect(one.text).not.toContain("s3cret");
  });

  it("keeps the stored secret and every unnamed field on a PATCH without a URL", async () => {
    const api = as(admin.cookie);
    const before = await db.environment.findFirstOrThrow({ where: { name: "production" } });
    const res = await read(await api.patchEnv("shop", "production", { timeoutMs: 4000, approvers: ["boss@example.com", "cto@example.com"] }));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("s3cret");
    // protected stays true: the update schema must not fill in the create form's defaults.
    expect(res.json.environment).toMatchObject({ timeoutMs: 4000, protected: true, approvers: ["boss@example.com", "cto@example.com"], urlMasked: "postgresql://app:****@127.0.0.1:5432/x" });
    const after = await db.environment.findFirstOrThrow({ where: { name: "production" } });
    expect(after.urlEncrypted).toBe(before.urlEncrypted);

    const rotated = await read(await api.patchEnv("shop", "production", { url: "postgresql://app:n3w-pass@127.0.0.1:5432/x" }));
    expect(rotated.text).not.toContain("n3w-pass");
    const rotatedRow = await db.environment.findFirstOrThrow({ where: { name: "production" } });
    expect(rotatedRow.urlEncrypted).not.toBe(before.urlEncrypted);
    expect(decryptSecret(rotatedRow.urlEncrypted!, key)).toBe("postgresql://app:n3w-pass@127.0.0.1:5432/x");
    expect(rotatedRow.protected).toBe(true);

    const back = await read(await api.patchEnv("shop", "production", { url: SECRET_URL }));
    expect(back.text).not.toContain("s3cret");
    const invalid = await read(await api.patchEnv("shop", "production", { url: "", approvers: ["not-an-email"] }));
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["url", "approvers.0"]));
    // Renaming onto another environment's name is refused.
    const clash = await read(await api.patchEnv("shop", "production", { name: "staging" }));
    expect(clash.status).toBe(409);
    expect(clash.json.error.message).toBe('Project "shop" already has an environment named "staging".');
  });

  it("reorders environments into promotion order and refuses an incomplete order", async () => {
    const api = as(admin.cookie);
    const res = await read(await api.order("shop", ["qa", "staging", "production"]));
    expect(res.status).toBe(200);
    expect(res.json.environments.map((e: { name: string; position: number }) => [e.name, e.position])).toEqual([
      ["qa", 0],
      ["staging", 1],
      ["production", 2],
    ]);
    expect(res.text).not.toContain("s3cret");
    const partial = await read(await api.order("shop", ["qa", "staging"]));
    expect(partial.status).toBe(422);
    expect(partial.json.error.message).toMatch(/exactly once: production, qa, staging/);
    const list = await read(await api.get("/api/projects"));
    expect(list.json.projects[0].environments.map((e: { name: string }) => e.name)).toEqual(["qa", "staging", "production"]);
  });

  it("tests a connection by reading the version table once, in plain words and without the URL", async () => {
    const api = as(admin.cookie);
    const behind = await read(await api.test("shop", "qa"));
    expect(behind.status).toBe(200);
    expect(behind.json).toMatchObject({ environment: "qa", connected: true, state: "behind", revisions: ["19ad5c3e7f24"] });
    expect(behind.json.pending.length).toBeGreaterThan(0);
    expect(behind.json.summary).toMatch(/^Connected: behind, at 19ad5c3e7f24; \d+ revisions to apply\.$/);
    expect(behind.text).not.toMatch(/sqlite:/);

    alembic(["upgrade", "heads"]);
    const current = await read(await api.test("shop", "qa"));
    expect(current.json).toMatchObject({ connected: true, state: "current", pending: [] });
    expect(current.json.summary).toMatch(/^Connected: up to date/);
    expect(current.json.revisions).toHaveLength(2);

    const unset = await read(await api.test("shop", "staging"));
    expect(unset.json).toMatchObject({ connected: false, state: "unreachable", summary: "Could not read the database: environment variable CAIRN_ENV_SHOP_STAGING_URL is not set." });

    const refused = await read(await api.test("shop", "production"));
    expect(refused.json).toMatchObject({ connected: false, state: "unreachable" });
    expect(refused.json.summary).toMatch(/^Could not read the database: /);
    expect(refused.text).not.toMatch(/s3cret|postgresql:/);

    expect((await read(await api.test("shop", "nope"))).status).toBe(404);
  });

  it("refuses anonymous callers (401) and every role below admin (403) on every mutating route", async () => {
    const calls = (cookie: string | undefined) => {
      const api = as(cookie);
      return [
        api.createProject({ name: "other", alembicPath: path.join(dir, "alembic.ini") }),
        api.patchProject("shop", { urlEnvVar: "X" }),
        api.deleteProject("shop"),
        api.createEnv("shop", { name: "dev", url: "env:CAIRN_ENV_X" }),
        api.patchEnv("shop", "qa", { timeoutMs: 100 }),
        api.deleteEnv("shop", "qa"),
        api.order("shop", ["production", "staging", "qa"]),
        api.test("shop", "qa"),
      ];
    };
    const auditBefore = await db.auditEvent.count();
    for (const res of await Promise.all(calls(undefined))) expect(res.status).toBe(401);
    expect((await as(undefined).get("/api/projects")).status).toBe(401);
    for (const role of ["viewer", "qa", "release_manager"] as const) {
      for (const res of await Promise.all(calls(others[role]))) {
        expect(res.status, role).toBe(403);
        expect((await body(res)).error.message).toMatch(/may not do this; it needs Admin/);
      }
    }
    // Nothing changed.
    expect(await db.auditEvent.count()).toBe(auditBefore);
    const list = await read(await as(admin.cookie).get("/api/projects"));
    expect(list.json.projects.map((p: { name: string; urlEnvVar: string }) => [p.name, p.urlEnvVar])).toEqual([["shop", "SHOP_DB_URL"]]);
    expect(list.json.projects[0].environments.map((e: { name: string; timeoutMs: number }) => [e.name, e.timeoutMs])).toEqual([
      ["qa", 5000],
      ["staging", 3000],
      ["production", 4000],
    ]);
  });

  it("answers 409 to every change of a project declared in cairn.config.json", async () => {
    const config = parseCairnConfig(
      {
        projects: [
          {
            name: "declared",
            alembic: "./alembic.ini",
            environments: [
              { name: "qa", url: "sqlite:///qa.db" },
              { name: "prod", url: "env:CAIRN_ENV_DECLARED_PROD" },
            ],
          },
        ],
      },
      path.join(dir, "cairn.config.json"),
    );
    await syncConfigProjects(db, config, { key });
    const api = as(admin.cookie);
    const list = await read(await api.get("/api/projects"));
    expect(list.json.projects.find((p: { name: string }) => p.name === "declared")).toMatchObject({ source: "config" });

    const refusals = [
      api.patchProject("declared", { urlEnvVar: "X" }),
      api.patchProject("declared", { alembicPath: "/nowhere" }),
      api.deleteProject("declared"),
      api.createEnv("declared", { name: "dev", url: "env:CAIRN_ENV_X" }),
      api.patchEnv("declared", "qa", { timeoutMs: 100 }),
      api.deleteEnv("declared", "qa"),
      api.order("declared", ["prod", "qa"]),
    ];
    for (const res of await Promise.all(refusals)) {
      expect(res.status).toBe(409);
      expect((await body(res)).error.message).toMatch(/declared in cairn\.config\.json, so it is read-only here/);
    }
    // Reading it is not a change.
    expect((await read(await api.test("declared", "qa"))).json).toMatchObject({ connected: true, state: "current" });
  });

  it("deletes environments and projects, and audits every change without a URL in the trail", async () => {
    const api = as(admin.cookie);
    expect((await read(await api.deleteEnv("shop", "staging"))).json).toEqual({ deleted: "staging" });
    expect((await read(await api.deleteProject("shop"))).json).toEqual({ deleted: "shop" });
    expect((await read(await api.deleteProject("shop"))).status).toBe(404);
    const list = await read(await api.get("/api/projects"));
    expect(list.json.projects.map((p: { name: string }) => p.name)).toEqual(["declared"]);
    expect(await db.environment.count({ where: { urlEncrypted: { contains: "s3cret" } } })).toBe(0);

    const audit = await db.auditEvent.findMany({ where: { actorId: admin.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "project.path-refused",
      "project.path-refused",
      "project.create",
      "project.update",
      "project.path-refused",
      "environment.create",
      "environment.create",
      "environment.create",
      "environment.update",
      "environment.update",
      "environment.update",
      "environment.reorder",
      "environment.delete",
      "project.delete",
    ]);
    expect(audit.every((a) => a.outcome === (a.action === "project.path-refused" ? "refused" : "ok"))).toBe(true);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toMatch(/s3cret|n3w-pass|postgresql:|sqlite:/);
  });
});
