// Issue 18 item 2: reading a project can neither hang on a symlink cycle nor stall the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import * as healthRoute from "@/app/api/health/route";
import * as statusRoute from "@/app/api/projects/[project]/status/route";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let viewer: string;
let tmp: string;
const savedCacheDir = process.env.CAIRN_CACHE_DIR;

function migration(rev: string, down: string | null, i: number): string {
  return `"""step ${i}\n\nRevision ID: ${rev}\n"""\nfrom alembic import op\n\nrevision = "${rev}"\ndown_revision = ${down ? `"${down}"` : "None"}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("SELECT ${i}")\n\n\ndef downgrade():\n    pass\n`;
}

/** An alembic.ini project with `count` migrations in one chain under versions/. */
function makeProject(name: string, count: number, ini = ""): string {
  const root = path.join(tmp, name);
  const versions = path.join(root, "migrations", "versions");
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(root, "migrations", "env.py"), "# not run by these tests\n");
  fs.writeFileSync(path.join(root, "alembic.ini"), `[alembic]\nscript_location = %(here)s/migrations\n${ini}`);
  let down: string | null = null;
  for (let i = 0; i < count; i++) {
    const rev = `r${String(i).padStart(6, "0")}`;
    fs.writeFileSync(path.join(versions, `${rev}_step.py`), migration(rev, down, i));
    down = rev;
  }
  return root;
}

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = randomBytes(32).toString("hex");
  delete process.env.CAIRN_CONFIG;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-reading-bounds-"));
  // A cold per-file cache, so the big read below parses every file as a first visit would.
  process.env.CAIRN_CACHE_DIR = path.join(tmp, "cache");
  app = await useAppStore("cairn_reading_bounds");
  db = app.db;
  viewer = (await signedIn(db, "viewer")).cookie;
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (savedCacheDir === undefined) delete process.env.CAIRN_CACHE_DIR;
  else process.env.CAIRN_CACHE_DIR = savedCacheDir;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const status = (project: string) => statusRoute.GET(request("GET", `/api/projects/${project}/status`, { cookie: viewer }), ctx({ project }));

describe("reading a project's migrations on the server", () => {
  it("returns promptly from a versions directory that links to itself", async () => {
    const root = makeProject("cycle", 3, "recursive_version_locations = true\n");
    // versions/selfdir -> . and versions/again -> . : followed, 2^40 paths before the kernel's ELOOP.
    fs.symlinkSync(".", path.join(root, "migrations", "versions", "selfdir"));
    fs.symlinkSync(".", path.join(root, "migrations", "versions", "again"));
    await db.project.create({ data: { name: "cycle", alembicPath: path.join(root, "alembic.ini") } });
    const started = performance.now();
    const res = await Promise.race([status("cycle"), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000))]);
    expect(res, "the status read never came back").not.toBe("timeout");
    expect((res as Response).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Alembic's os.walk does not descend into a linked directory: the three files are read once each.
    const body = await (res as Response).json();
    expect(body.heads).toEqual(["r000002"]);
  }, 30_000);

  it("keeps answering health pings while a 20,000-file project is read", async () => {
    const root = makeProject("big", 20_000);
    await db.project.create({ data: { name: "big", alembicPath: path.join(root, "alembic.ini") } });
    // Warm up the health route and the store connection.
    expect((await healthRoute.GET()).status).toBe(200);

    let reading = true;
    const pings: number[] = [];
    const pinger = (async () => {
      while (reading) {
        const t0 = performance.now();
        const res = await healthRoute.GET();
        pings.push(performance.now() - t0);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const t0 = performance.now();
    const res = await status("big");
    const readMs = performance.now() - t0;
    reading = false;
    await pinger;
    expect(res.status).toBe(200);
    expect((await res.json()).heads).toEqual(["r019999"]);
    const worst = Math.max(...pings);
    console.log(`read ${readMs.toFixed(0)} ms; ${pings.length} health pings, worst ${worst.toFixed(0)} ms`);
    // Blocking the event loop for the whole read makes one ping wait as long as the read itself.
    expect(pings.length).toBeGreaterThan(3);
    expect(worst).toBeLessThan(250);
  }, 120_000);
});
