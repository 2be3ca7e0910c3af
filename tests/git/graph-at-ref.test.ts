/**
 * The migration graph at a git ref, on a real local repository: read without checking anything out,
 * compared with the working tree and with another ref, each environment's pending list against the
 * ref (environments moved by real Alembic), refused refs, and `cairn graph --ref` through the launcher.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compareGraphSides, pendingAgainst, readRefSide, readWorkingTreeSide } from "@/lib/git/read-graph-at-ref";
import { runCairn } from "@/tests/cli/run-cairn";
import { FIXTURE_DIR } from "@/tests/runs-api/support";
import { alembicUpgrade } from "@/tests/signoffs/support";
import { sqliteRevisions } from "@/tests/runs-api/support";
import { pythonHasAlembic, skipWithoutAlembic } from "@/tests/support/alembic";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-git-ref-"));
const repo = path.join(tmp, "repo");
const project = path.join(repo, "db");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_DATE: "2026-11-01T10:00:00Z", GIT_COMMITTER_DATE: "2026-11-01T10:00:00Z" } }).trim();

function write(rev: string, down: string | null, body = "pass") {
  fs.writeFileSync(
    path.join(project, "versions", `${rev}_step.py`),
    `"""step ${rev}"""\nfrom alembic import op\n\nrevision = "${rev}"\ndown_revision = ${down ? `"${down}"` : "None"}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    pass\n`,
  );
}

/** git status and HEAD: what "nothing was checked out" is checked against. */
const worktreeState = () => ({ head: git("rev-parse", "HEAD"), branch: git("rev-parse", "--abbrev-ref", "HEAD"), status: git("status", "--porcelain") });

beforeAll(() => {
  fs.mkdirSync(path.join(project, "versions"), { recursive: true });
  for (const f of ["alembic.ini", "env.py", "script.py.mako"]) fs.copyFileSync(path.join(FIXTURE_DIR, f), path.join(project, f));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "dev@example.com");
  git("config", "user.name", "Dev");
  // main: a1 → b2 → c3 → z9
  write("a1", null);
  write("b2", "a1");
  write("c3", "b2");
  write("z9", "c3");
  git("add", ".");
  git("commit", "-q", "-m", "main");
  git("tag", "v1.3");
  // release/1.4: b2 edited, z9 gone, d4 on c3 (its head)
  git("checkout", "-q", "-b", "release/1.4");
  write("b2", "a1", 'op.execute("UPDATE t SET x = 1")');
  fs.rmSync(path.join(project, "versions", "z9_step.py"));
  write("d4", "c3");
  git("add", "-A");
  git("commit", "-q", "-m", "release 1.4");
  // A release branch with two heads: e5 and f6 both on c3.
  git("checkout", "-q", "-b", "release/two-heads", "v1.3");
  write("e5", "c3");
  write("f6", "c3");
  git("add", "-A");
  git("commit", "-q", "-m", "two heads");
  git("checkout", "-q", "main");
  // An uncommitted edit in the working tree: the ref must not see it, and reading the ref must not touch it.
  write("c3", "b2", 'op.execute("SELECT 2")');
});

describe("the graph at a git ref", () => {
  it("reads release/1.4 without checking it out and says what it brings against the working tree", async () => {
    const before = worktreeState();
    const at = await readRefSide(project, "release/1.4");
    expect(at.commit).toBe(git("rev-parse", "release/1.4"));
    expect([...at.graph.revisions.keys()].sort()).toEqual(["a1", "b2", "c3", "d4"]);
    expect(at.graph.heads).toEqual(["d4"]);
    const cmp = compareGraphSides(readWorkingTreeSide(project), at);
    // c3 differs only by the working tree's uncommitted edit; b2 was edited on the branch.
    expect(cmp).toMatchObject({ base: "working tree", target: "release/1.4", added: ["d4"], removed: ["z9"], edited: ["b2", "c3"], newHeads: ["d4"] });
    expect(worktreeState()).toEqual(before);
  });

  it("compares two refs: new heads, added, removed and edited between them", async () => {
    const [base, at] = await Promise.all([readRefSide(project, "v1.3"), readRefSide(project, "release/two-heads")]);
    expect(compareGraphSides(base, at)).toMatchObject({ added: ["e5", "f6"], removed: [], edited: [], newHeads: ["e5", "f6"], heads: { base: ["z9"], target: ["e5", "f6", "z9"] } });
    // The two-heads ref's own problem, as the graph engine reports it.
    expect(at.graph.problems.find((p) => p.code === "multiple-heads")?.severity).toBe("error");
    const release = await readRefSide(project, "release/1.4");
    expect(compareGraphSides(base, release)).toMatchObject({ added: ["d4"], removed: ["z9"], edited: ["b2"], newHeads: ["d4"] });
  });

  it("refuses a ref that names no commit, and one that looks like an option, before git could act on it", async () => {
    await expect(readRefSide(project, "release/9.9")).rejects.toMatchObject({ userMessage: expect.stringMatching(/^"release\/9.9" is not a branch, tag or commit of the project's repository/) });
    const out = path.join(tmp, "written-by-git");
    await expect(readRefSide(project, `--output=${out}`)).rejects.toMatchObject({ code: "bad-request" });
    expect(fs.existsSync(out)).toBe(false);
    await expect(readRefSide(project, "")).rejects.toMatchObject({ code: "bad-request" });
    await expect(readRefSide(project, "main\nHEAD")).rejects.toMatchObject({ code: "bad-request" });
  });

  it("reads the project's repository even when the server's environment names another (GIT_DIR, GIT_WORK_TREE)", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-other-git-"));
    execFileSync("git", ["init", "-q", other]);
    const saved = { dir: process.env.GIT_DIR, tree: process.env.GIT_WORK_TREE };
    try {
      process.env.GIT_DIR = path.join(other, ".git");
      process.env.GIT_WORK_TREE = other;
      vi.resetModules();
      const fresh = await import("@/lib/git/read-graph-at-ref");
      expect((await fresh.readRefSide(project, "release/1.4")).graph.heads).toEqual(["d4"]);
    } finally {
      if (saved.dir === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved.dir;
      if (saved.tree === undefined) delete process.env.GIT_WORK_TREE;
      else process.env.GIT_WORK_TREE = saved.tree;
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("says plainly when the project is not in a git repository", async () => {
    const loose = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-no-git-"));
    try {
      fs.copyFileSync(path.join(FIXTURE_DIR, "alembic.ini"), path.join(loose, "alembic.ini"));
      await expect(readRefSide(loose, "main")).rejects.toMatchObject({ userMessage: expect.stringMatching(/not inside a git repository/) });
    } finally {
      fs.rmSync(loose, { recursive: true, force: true });
    }
  });

  it("reports a ref where the project does not exist yet as such", async () => {
    // A commit of the empty tree, made without touching the working tree.
    const emptyTree = git("hash-object", "-t", "tree", "/dev/null");
    git("branch", "empty", git("commit-tree", emptyTree, "-m", "empty"));
    await expect(readRefSide(project, "empty")).rejects.toMatchObject({ userMessage: expect.stringMatching(/^At "empty": .*does not exist/) });
  });
});

const haveAlembic = pythonHasAlembic("/usr/bin/python3");

describe.skipIf(skipWithoutAlembic(haveAlembic, "Alembic for /usr/bin/python3"))("pending against a ref, environments moved by real Alembic", () => {
  it("lists what release/1.4 would apply on each environment, and names one that is ahead of it", async () => {
    const db = (name: string) => {
      const file = path.join(tmp, `${name}.db`);
      new Database(file).close();
      return `sqlite:///${file}`;
    };
    const production = db("production");
    const staging = db("staging");
    alembicUpgrade(project, production, "b2");
    alembicUpgrade(project, staging, "z9");
    const at = await readRefSide(project, "release/1.4");
    const pending = pendingAgainst(
      at.graph,
      [
        { name: "staging", revisions: sqliteRevisions(staging) },
        { name: "production", revisions: sqliteRevisions(production) },
      ],
      "release/1.4",
    );
    expect(pending).toEqual([
      { environment: "staging", applied: ["z9"], error: "staging has z9 applied, which release/1.4 does not have: it is ahead of release/1.4 or on another branch." },
      { environment: "production", applied: ["b2"], pending: ["c3", "d4"] },
    ]);
  });
});

describe("cairn graph --ref", () => {
  it("prints what the ref brings against the working tree, and against --base", async () => {
    const r = await runCairn(["graph", project, "--ref", "release/1.4"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`release/1.4 (${git("rev-parse", "release/1.4").slice(0, 12)}) against working tree:`);
    expect(r.stdout).toContain("  added (1): d4\n  removed (1): z9\n  edited (2): b2, c3\n  new heads (1): d4\n");
    const j = await runCairn(["graph", project, "--ref", "release/two-heads", "--base", "v1.3", "--json"]);
    expect(j.code).toBe(1);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ ref: "release/two-heads", comparison: { base: "v1.3", added: ["e5", "f6"], newHeads: ["e5", "f6"], edited: [] } });
    expect([...out.heads].sort()).toEqual(["e5", "f6", "z9"]);
    expect(out.errors.join("\n")).toMatch(/Multiple heads/);
    expect(out.errors.join("\n")).not.toContain(tmp);
  });

  it("exits 2 with a clear message for an unknown ref, --base alone, and a missing value", async () => {
    const bad = await runCairn(["graph", project, "--ref", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cairn graph: "nope" is not a branch, tag or commit/);
    const alone = await runCairn(["graph", project, "--base", "v1.3"]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--base compares with --ref/);
    const missing = await runCairn(["graph", project, "--ref"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--ref needs a git branch, tag or commit/);
  });
});
