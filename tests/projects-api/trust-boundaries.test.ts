// Issue 18 items 1, 3, 7 and the env: item: what an admin may point Cairn at through the UI/API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { parseCairnConfig } from "@/lib/config/cairn-config";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { createRedactor } from "@/lib/runner/redact-secrets";
import { scrubSecrets } from "@/lib/secrets/mask-url";
import { ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import * as projectsRoute from "@/app/api/projects/route";
import * as projectRoute from "@/app/api/projects/[project]/route";
import * as envsRoute from "@/app/api/projects/[project]/envs/route";

const EXAMPLE = path.resolve(import.meta.dirname, "../../examples/shop");
const keyHex = randomBytes(32).toString("hex");
const saved = { root: process.env.CAIRN_PROJECTS_ROOT, allow: process.env.CAIRN_ENV_ALLOW, prefix: process.env.CAIRN_ENV_PREFIX };

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let admin: { id: string; cookie: string };
let tmp: string;
/** The allow-listed root: projects set through the API must be inside it. */
let root: string;
/** A real project outside the root. */
let outside: string;

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = keyHex;
  delete process.env.CAIRN_CONFIG;
  delete process.env.CAIRN_ENV_ALLOW;
  delete process.env.CAIRN_ENV_PREFIX;
  app = await useAppStore("cairn_trust_boundaries");
  db = app.db;
  admin = await signedIn(db, "admin");
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cairn-trust-")));
  root = path.join(tmp, "root");
  outside = path.join(tmp, "outside");
  const copy = (to: string) => fs.cpSync(EXAMPLE, to, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  copy(path.join(root, "shop"));
  copy(outside);
  process.env.CAIRN_PROJECTS_ROOT = root;
}, 120_000);

afterAll(async () => {
  await app?.close();
  for (const [k, v] of [
    ["CAIRN_PROJECTS_ROOT", saved.root],
    ["CAIRN_ENV_ALLOW", saved.allow],
    ["CAIRN_ENV_PREFIX", saved.prefix],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const api = {
  createProject: (b: unknown) => projectsRoute.POST(request("POST", "/api/projects", { cookie: admin.cookie, body: b }), ctx({})),
  patchProject: (project: string, b: unknown) => projectRoute.PATCH(request("PATCH", `/api/projects/${project}`, { cookie: admin.cookie, body: b }), ctx({ project })),
  createEnv: (project: string, b: unknown) => envsRoute.POST(request("POST", `/api/projects/${project}/envs`, { cookie: admin.cookie, body: b }), ctx({ project })),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function read(res: Response): Promise<{ status: number; text: string; json: any }> {
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

/** The server's secret-looking variables (and the shape of an environ dump), which no answer may echo. */
function expectNoServerSecrets(text: string): void {
  for (const [k, v] of Object.entries(process.env)) {
    if (/KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(k) && v && v.length >= 8) expect(text.includes(v), `the answer quotes ${k}`).toBe(false);
  }
  expect(text).not.toMatch(/PATH=|HOME=|\\u0000/);
}

describe("item 1: an alembic path set through the API", () => {
  it("refuses /proc/self/environ without quoting it, says which rule refused it, and audits the attempt", async () => {
    const res = await read(await api.createProject({ name: "x", alembicPath: "/proc/self/environ" }));
    expect(res.status).toBe(422);
    expectNoServerSecrets(res.text);
    expect(res.text).not.toContain(keyHex);
    const message: string = res.json.error.issues[0].message;
    expect(message).toMatch(/outside the projects root/);
    expect(message).toContain(root);
    expect(message).toMatch(/CAIRN_PROJECTS_ROOT/);

    const audit = await db.auditEvent.findMany({ where: { action: "project.path-refused" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, outcome: "refused" });
    expect(audit[0]!.details).toMatchObject({ rule: "root", path: "/proc/self/environ" });
  });

  it("never echoes a line it cannot parse: line number and kind only", async () => {
    const dir = path.join(root, "broken");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "alembic.ini"), "TOPSECRET_TOKEN_4f9a=hunter2-value\n[alembic]\n");
    const res = await read(await api.createProject({ name: "broken", alembicPath: dir }));
    expect(res.status).toBe(422);
    expect(res.text).not.toMatch(/TOPSECRET|hunter2/);
    expect(res.json.error.issues[0].message).toMatch(/alembic\.ini:1: .*before any \[section\] header/);

    fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = migrations\nnot an option SECRET-LINE-77\n");
    const res2 = await read(await api.createProject({ name: "broken", alembicPath: path.join(dir, "alembic.ini") }));
    expect(res2.status).toBe(422);
    expect(res2.text).not.toContain("SECRET-LINE-77");
    expect(res2.json.error.issues[0].message).toMatch(/alembic\.ini:3: /);

    fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = %(SECRET_NAME_91)s/x %z\n");
    const res3 = await read(await api.createProject({ name: "broken", alembicPath: dir }));
    expect(res3.status).toBe(422);
    expect(res3.text).not.toContain("SECRET_NAME_91");
  });

  it("accepts only alembic.ini, *.ini or pyproject.toml, or a directory holding one", async () => {
    fs.writeFileSync(path.join(root, "notes.txt"), "[alembic]\nscript_location = shop/alembic\n");
    const txt = await read(await api.createProject({ name: "notes", alembicPath: path.join(root, "notes.txt") }));
    expect(txt.status).toBe(422);
    expect(txt.json.error.issues[0].message).toMatch(/alembic\.ini, a \*\.ini file or pyproject\.toml/);

    const versionsOnly = await read(await api.createProject({ name: "versions", alembicPath: path.join(root, "shop", "alembic", "versions") }));
    expect(versionsOnly.status).toBe(422);
    expect(versionsOnly.json.error.issues[0].message).toMatch(/holds no alembic\.ini/);

    const rules = (await db.auditEvent.findMany({ where: { action: "project.path-refused" }, orderBy: { id: "asc" } })).map((a) => (a.details as { rule: string }).rule);
    expect(rules).toEqual(expect.arrayContaining(["file-name", "no-config-file"]));
  });

  it("resolves links before the root check: a link inside the root to a file or project outside it is refused", async () => {
    fs.symlinkSync("/proc/self/environ", path.join(root, "env.ini"));
    const link = await read(await api.createProject({ name: "link", alembicPath: path.join(root, "env.ini") }));
    expect(link.status).toBe(422);
    expectNoServerSecrets(link.text);
    expect(link.json.error.issues[0].message).toMatch(/outside the projects root/);

    fs.symlinkSync(outside, path.join(root, "elsewhere"));
    const dirLink = await read(await api.createProject({ name: "elsewhere", alembicPath: path.join(root, "elsewhere") }));
    expect(dirLink.status).toBe(422);
    expect(dirLink.json.error.issues[0].message).toMatch(/outside the projects root/);

    const direct = await read(await api.createProject({ name: "outside", alembicPath: outside }));
    expect(direct.status).toBe(422);
  });

  it("registers a project inside the root, a relative path being relative to the root", async () => {
    const res = await read(await api.createProject({ name: "shop", alembicPath: "shop/alembic.ini" }));
    expect(res.status).toBe(201);
    expect(res.json.project.alembicPath).toBe(path.join(root, "shop", "alembic.ini"));
    const moved = await read(await api.patchProject("shop", { alembicPath: outside }));
    expect(moved.status).toBe(422);
    expect(moved.json.error.issues[0].message).toMatch(/outside the projects root/);
  });
});

describe("item 3: command and xArgs belong to the operator's cairn.config.json", () => {
  it("refuses command and xArgs from the API with a 422 saying where to set them", async () => {
    const created = await read(await api.createProject({ name: "shell", alembicPath: path.join(root, "shop"), command: ["/bin/sh", "-c", "id > /tmp/pwned"] }));
    expect(created.status).toBe(422);
    expect(created.json.error.issues).toEqual([{ path: "command", message: expect.stringMatching(/only in cairn\.config\.json/) }]);
    expect(await db.project.count({ where: { name: "shell" } })).toBe(0);

    const patched = await read(await api.patchProject("shop", { command: ["/bin/sh"], xArgs: ["a=b"] }));
    expect(patched.status).toBe(422);
    expect(patched.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["command", "xArgs"]);
    const stored = await db.project.findUniqueOrThrow({ where: { name: "shop" } });
    expect(stored.command).toEqual(["alembic"]);
    expect(stored.xArgs).toEqual([]);
  });

  it("records old and new values of a project change in its audit row", async () => {
    const res = await read(await api.patchProject("shop", { urlEnvVar: "SHOP_DB_URL", constants: { "cli.BRANCH": "core" } }));
    expect(res.status).toBe(200);
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "project.update" }, orderBy: { id: "desc" } });
    expect(row.details).toMatchObject({
      name: "shop",
      changes: { urlEnvVar: { from: "DATABASE_URL", to: "SHOP_DB_URL" }, constants: { from: {}, to: { "cli.BRANCH": "core" } } },
    });
  });
});

describe("item 7: a raw @ in a database password", () => {
  const url = "postgresql://postgres:Alpha7@Bravo8@db.example:5432/shop";

  it("is refused at registration with the percent-encoded fix, the password masked", async () => {
    const res = await read(await api.createEnv("shop", { name: "qa", url }));
    expect(res.status).toBe(422);
    expect(res.text).not.toMatch(/Alpha7|Bravo8/);
    const message: string = res.json.error.issues[0].message;
    expect(message).toMatch(/percent-encode/i);
    expect(message).toContain("%40");
    expect(message).toContain("postgresql://postgres:****@db.example:5432/shop");
  });

  it("is refused by the config sync too, without the password", async () => {
    const sync = async () => {
      const config = parseCairnConfig({ projects: [{ name: "declared", alembic: "./alembic.ini", environments: [{ name: "qa", url }] }] }, path.join(root, "shop", "cairn.config.json"));
      return syncConfigProjects(db, config, { key: Buffer.from(keyHex, "hex") });
    };
    const err = await sync().catch((e: unknown) => e as { userMessage?: string });
    expect(await db.project.count({ where: { name: "declared" } })).toBe(0);
    expect(err).toMatchObject({ userMessage: expect.stringMatching(/%40/) });
    expect((err as { userMessage: string }).userMessage).not.toMatch(/Alpha7|Bravo8/);
  });

  it("is masked in every piece a driver could print, however it splits the URL", () => {
    const texts = ['could not translate host name "Bravo8@db.example" to address', "password authentication failed for user postgres:Alpha7", "connecting to Bravo8@db.example:5432 as postgres with Alpha7@Bravo8"];
    const redact = createRedactor([url]);
    for (const t of texts) {
      expect(redact(t)).not.toMatch(/Alpha7|Bravo8/);
      expect(scrubSecrets(t, [url])).not.toMatch(/Alpha7|Bravo8/);
    }
    expect(redact('could not translate host name "Bravo8@db.example" to address')).toContain("db.example");
  });
});

describe("env: references", () => {
  it("refuses Cairn's own variables and names outside the allowed prefix, saying how to allow one", async () => {
    for (const name of ["DATABASE_URL", "CAIRN_SECRET_KEY"]) {
      const res = await read(await api.createEnv("shop", { name: "own", url: `env:${name}` }));
      expect(res.status, name).toBe(422);
      expect(res.json.error.issues[0].message).toMatch(/Cairn's own/);
    }
    const other = await read(await api.createEnv("shop", { name: "qa", url: "env:QA_DATABASE_URL" }));
    expect(other.status).toBe(422);
    expect(other.json.error.issues[0].message).toMatch(/CAIRN_ENV_QA_DATABASE_URL/);
    expect(other.json.error.issues[0].message).toMatch(/CAIRN_ENV_ALLOW=QA_DATABASE_URL/);

    expect((await read(await api.createEnv("shop", { name: "qa", url: "env:CAIRN_ENV_QA_URL" }))).status).toBe(201);
    process.env.CAIRN_ENV_ALLOW = "QA_DATABASE_URL, PROD_DATABASE_URL";
    expect((await read(await api.createEnv("shop", { name: "prod", url: "env:PROD_DATABASE_URL" }))).status).toBe(201);
    // The allow-list never opens Cairn's own variables.
    process.env.CAIRN_ENV_ALLOW = "DATABASE_URL";
    expect((await read(await api.createEnv("shop", { name: "own", url: "env:DATABASE_URL" }))).status).toBe(422);
    delete process.env.CAIRN_ENV_ALLOW;
  });

  it("refuses them in cairn.config.json as well", () => {
    expect(() => parseCairnConfig({ projects: [{ name: "p", alembic: ".", environments: [{ name: "qa", url: "env:DATABASE_URL" }] }] }, path.join(root, "cairn.config.json"))).toThrow(
      /projects\[0\]\.environments\[0\]\.url: .*Cairn's own/,
    );
  });
});
