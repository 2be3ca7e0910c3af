/**
 * GET /api/projects/:project/graph-at-ref on a real git repository and real SQLite environments moved
 * by real Alembic: what release/1.4 brings to each environment, paths relative to the project, bad
 * refs and anonymous requests refused.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { FIXTURE_DIR, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade } from "@/tests/signoffs/support";
import { pythonHasAlembic, skipWithoutAlembic } from "@/tests/support/alembic";
import * as graphAtRefRoute from "@/app/api/projects/[project]/graph-at-ref/route";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-git-api-"));
const repo = path.join(tmp, "repo");
const project = path.join(repo, "db");
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let viewer: Awaited<ReturnType<typeof signedIn>>;

const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
function write(rev: string, down: string | null) {
  fs.writeFileSync(
    path.join(project, "versions", `${rev}_step.py`),
    `"""step ${rev}"""\nrevision = "${rev}"\ndown_revision = ${down ? `"${down}"` : "None"}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`,
  );
}
const sqlite = (name: string) => {
  const file = path.join(tmp, `${name}.db`);
  new Database(file).close();
  return `sqlite:///${file}`;
};
const atRef = (user: typeof viewer | undefined, query: string) => graphAtRefRoute.GET(request("GET", `/api/projects/release-shop/graph-at-ref?${query}`, { cookie: user?.cookie }), ctx({ project: "release-shop" }));

const haveAlembic = pythonHasAlembic("/usr/bin/python3");

describe.skipIf(skipWithoutAlembic(haveAlembic, "Alembic for /usr/bin/python3"))("GET /api/projects/:project/graph-at-ref", () => {
  beforeAll(async () => {
    fs.mkdirSync(path.join(project, "versions"), { recursive: true });
    for (const f of ["alembic.ini", "env.py", "script.py.mako"]) fs.copyFileSync(path.join(FIXTURE_DIR, f), path.join(project, f));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "dev@example.com");
    git("config", "user.name", "Dev");
    write("a1", null);
    write("b2", "a1");
    git("add", ".");
    git("commit", "-q", "-m", "main");
    git("checkout", "-q", "-b", "release/1.4");
    write("c3", "b2");
    write("d4", "c3");
    git("add", ".");
    git("commit", "-q", "-m", "release");
    git("checkout", "-q", "main");
    const staging = sqlite("staging");
    const production = sqlite("production");
    alembicUpgrade(project, staging, "b2");
    alembicUpgrade(project, production, "a1");
    app = await useAppStore("cairn_graph_at_ref");
    db = app.db;
    await seedProject(db, {
      name: "release-shop",
      dir: project,
      envs: [
        { name: "staging", url: staging },
        { name: "production", url: production },
      ],
    });
    viewer = await signedIn(db, "viewer");
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("says what release/1.4 brings to each environment", async () => {
    const res = await atRef(viewer, "ref=release/1.4");
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b).toMatchObject({
      ref: "release/1.4",
      commit: git("rev-parse", "release/1.4"),
      revisions: 4,
      heads: ["d4"],
      comparison: { base: "working tree", added: ["c3", "d4"], removed: [], edited: [], newHeads: ["d4"] },
      errors: [],
      environments: [
        { environment: "staging", applied: ["b2"], pending: ["c3", "d4"] },
        { environment: "production", applied: ["a1"], pending: ["b2", "c3", "d4"] },
      ],
    });
    expect(JSON.stringify(b)).not.toContain(tmp);
  });

  it("refuses a ref that is not in the repository with a clear 404, an empty one with 422, and an anonymous caller with 401", async () => {
    const missing = await atRef(viewer, "ref=release/9.9");
    expect(missing.status).toBe(404);
    expect((await body(missing)).error.message).toMatch(/^"release\/9.9" is not a branch, tag or commit of the project's repository/);
    expect((await atRef(viewer, "ref=")).status).toBe(422);
    expect((await atRef(undefined, "ref=main")).status).toBe(401);
  });
});
