// Issue 18 (low) and items 6–7 of its follow-up: what every role is shown of a project — paths
// relative to the project, a capped migration source — and what an admin may register.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getProjectGraph, MAX_SOURCE_BYTES } from "@/lib/server/project-view";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import * as projectsRoute from "@/app/api/projects/route";
import * as revisionRoute from "@/app/api/projects/[project]/revisions/[revision]/route";
import * as statusRoute from "@/app/api/projects/[project]/status/route";

const EXAMPLE = path.resolve(import.meta.dirname, "../../examples/shop");
const savedRoot = process.env.CAIRN_PROJECTS_ROOT;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let viewer: { cookie: string }, admin: { id: string; cookie: string };
let fixture: ReturnType<typeof copyFixtureProject>;
let tmp: string;

beforeAll(async () => {
  delete process.env.CAIRN_CONFIG;
  app = await useAppStore("cairn_shown_paths");
  db = app.db;
  [viewer, admin] = await Promise.all([signedIn(db, "viewer"), signedIn(db, "admin")]);
  fixture = copyFixtureProject(["qa"]);
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cairn-shown-")));
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  if (savedRoot === undefined) delete process.env.CAIRN_PROJECTS_ROOT;
  else process.env.CAIRN_PROJECTS_ROOT = savedRoot;
});

const revision = (project: string, rev: string) => revisionRoute.GET(request("GET", `/api/projects/${project}/revisions/${rev}`, { cookie: viewer.cookie }), ctx({ project, revision: rev }));

describe("the migration source panel", () => {
  it("sends at most 256 KB of a big migration, cut at a line end, with how much more there is and where to read it", async () => {
    const file = path.join(fixture.dir, "versions", "a1_create_customers.py");
    const line = `# ${"x".repeat(97)}\n`;
    fs.appendFileSync(file, line.repeat(Math.ceil((3 * 1024 * 1024) / line.length)));
    const total = fs.statSync(file).size;
    await seedProject(db, { name: "big", dir: fixture.dir, envs: [{ name: "qa", url: fixture.urls.qa! }] });

    const res = await revision("big", "a1");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(MAX_SOURCE_BYTES + 4096);
    const b = JSON.parse(text);
    expect(b.truncated).toMatchObject({ totalBytes: total });
    expect(b.truncated.shownBytes).toBeLessThanOrEqual(MAX_SOURCE_BYTES);
    expect(b.truncated.shownBytes % line.length).toBe(fs.readFileSync(file, "utf8").indexOf(line) % line.length);
    const moreKb = Math.ceil((total - b.truncated.shownBytes) / 1024);
    expect(
      b.source.endsWith(`\n# … truncated — ${moreKb.toLocaleString("en")} KB more (the file is ${Math.ceil(total / 1024).toLocaleString("en")} KB); open versions/a1_create_customers.py in the repository to read it all.\n`),
    ).toBe(true);
    expect(b.source.startsWith('"""create customers')).toBe(true);

    const small = await body(await revision("big", "b2"));
    expect(small.truncated).toBeNull();
    expect(small.source).toBe(fs.readFileSync(path.join(fixture.dir, "versions", "b2_add_customer_name.py"), "utf8"));
  }, 60_000);
});

describe("the graph pages show", () => {
  it("is one object per graph read, so what is kept per graph (pending paths, the revision index) is found again on the next view", async () => {
    const first = await getProjectGraph("big");
    const again = await getProjectGraph("big");
    expect(again.graph).toBe(first.graph);
    expect(again.graph.problems).toEqual(first.graph.problems);
  });
});

describe("problem texts and read errors", () => {
  it("name files relative to the project root, never where the server keeps it", async () => {
    fs.writeFileSync(path.join(fixture.dir, "versions", "zz_broken.py"), 'revision = "zz"\ndown_revision = "h8"\ndef upgrade(:\n');
    const { graph } = await getProjectGraph("big");
    const broken = graph.problems.filter((p) => p.message.includes("zz_broken.py"));
    expect(broken.length).toBeGreaterThan(0);
    for (const p of graph.problems) {
      expect(p.message).not.toContain(fixture.dir);
      if (p.path) expect(path.isAbsolute(p.path)).toBe(false);
    }
    expect(broken[0]!.message).toMatch(/^versions\/zz_broken\.py:3: Python syntax error/);

    // The project moved away: every role polls status and reads why, without the server's path.
    const gone = path.join(tmp, "gone-project");
    fs.cpSync(fixture.dir, gone, { recursive: true });
    await seedProject(db, { name: "gone", dir: gone, envs: [{ name: "qa", url: fixture.urls.qa! }] });
    fs.rmSync(gone, { recursive: true });
    const res = await statusRoute.GET(request("GET", "/api/projects/gone/status", { cookie: viewer.cookie }), ctx({ project: "gone" }));
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain(tmp);
    expect(JSON.parse(text).error.message).toMatch(/^The project directory does not exist\./);
  }, 60_000);
});

describe("env: references at resolve time", () => {
  it("a stored reference to Cairn's own store is refused when read, and the store is never read as a target", async () => {
    const { project } = await seedProject(db, { name: "own-store", dir: fixture.dir, envs: [] });
    // As a row written before the registration check, or edited in the store, would be.
    await db.environment.create({ data: { projectId: project.id, name: "qa", position: 0, urlRef: "env:DATABASE_URL", urlMasked: "env:DATABASE_URL" } });
    const res = await statusRoute.GET(request("GET", "/api/projects/own-store/status", { cookie: viewer.cookie }), ctx({ project: "own-store" }));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(process.env.DATABASE_URL!);
    const qa = JSON.parse(text).environments[0];
    expect(qa.state).toBe("unreachable");
    expect(qa.error).toMatch(/env:DATABASE_URL names one of Cairn's own variables/);
  }, 60_000);
});

describe("a project registered through the API", () => {
  it("is refused when its alembic.ini sends version_locations or script_location outside the projects root", async () => {
    const root = path.join(tmp, "root");
    const outside = path.join(tmp, "outside");
    fs.cpSync(EXAMPLE, path.join(root, "shop"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
    fs.cpSync(path.join(EXAMPLE, "alembic"), path.join(outside, "alembic"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
    process.env.CAIRN_PROJECTS_ROOT = root;
    const ini = path.join(root, "shop", "alembic.ini");
    const original = fs.readFileSync(ini, "utf8");
    const create = (name: string) => projectsRoute.POST(request("POST", "/api/projects", { cookie: admin.cookie, body: { name, alembicPath: path.join(root, "shop") } }), ctx({}));

    fs.writeFileSync(ini, original.replace("version_path_separator = os", `version_path_separator = os\nversion_locations = %(here)s/alembic/versions:${outside}/alembic/versions`));
    let res = await create("escaping-versions");
    expect(res.status).toBe(422);
    let message: string = (await body(res)).error.issues[0].message;
    expect(message).toBe(
      `alembic.ini sets version_locations to ${outside}/alembic/versions, which is outside the projects root ${root} (links resolved), so Cairn will not read it. Keep the project's migrations under that root (change version_locations), set CAIRN_PROJECTS_ROOT on the server (the root is CAIRN_PROJECTS_ROOT), or have the operator declare the project in cairn.config.json.`,
    );

    // A link inside the root to a directory outside it is outside too.
    fs.symlinkSync(path.join(outside, "alembic"), path.join(root, "shop", "linked"));
    fs.writeFileSync(ini, original.replace("script_location = %(here)s/alembic", "script_location = %(here)s/linked"));
    res = await create("escaping-script");
    expect(res.status).toBe(422);
    message = (await body(res)).error.issues[0].message;
    expect(message).toMatch(new RegExp(`^alembic\\.ini sets script_location to ${root}/shop/linked, which is outside the projects root`));

    const rules = (await db.auditEvent.findMany({ where: { action: "project.path-refused" }, orderBy: { id: "asc" } })).map((a) => (a.details as { rule: string }).rule);
    expect(rules).toEqual(["locations-root", "locations-root"]);
    expect(await db.project.count({ where: { name: { startsWith: "escaping" } } })).toBe(0);

    fs.writeFileSync(ini, original);
    expect((await create("inside")).status).toBe(201);
  }, 60_000);
});
