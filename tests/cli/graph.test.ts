/**
 * `cairn graph` end to end: the real launcher on real files — JSON shape, exit codes, messages,
 * `--help`, the result cache staying correct when a migration changes, and the human report
 * against real `alembic history` / `alembic heads` on the demo project.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCairn } from "@/tests/cli/run-cairn";
import { ALEMBIC_BIN, skipWithoutAlembic } from "@/tests/support/alembic";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cli-graph-"));
const cacheEnv = { CAIRN_CACHE_DIR: path.join(tmp, "cache") };
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function migration(rev: string, down: string[] | null, extra: { labels?: string[]; deps?: string[]; message?: string } = {}): string {
  const py = (xs: string[] | null | undefined) => (xs == null || xs.length === 0 ? "None" : xs.length === 1 ? `"${xs[0]}"` : `(${xs.map((x) => `"${x}"`).join(", ")})`);
  return [
    `"""${extra.message ?? `step ${rev}`}`,
    "",
    `Revision ID: ${rev}`,
    `Revises: ${(down ?? []).join(", ")}`,
    "Create Date: 2025-09-15 10:00:00.000000",
    "",
    '"""',
    "from alembic import op",
    "",
    `revision = "${rev}"`,
    `down_revision = ${py(down)}`,
    `branch_labels = ${py(extra.labels)}`,
    `depends_on = ${py(extra.deps)}`,
    "",
    "",
    "def upgrade():",
    '    op.execute("SELECT 1")',
    "",
    "",
    "def downgrade():",
    "    pass",
    "",
  ].join("\n");
}

function project(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  fs.mkdirSync(path.join(root, "migrations", "versions"), { recursive: true });
  fs.writeFileSync(path.join(root, "alembic.ini"), "[alembic]\nscript_location = %(here)s/migrations\n");
  for (const [file, body] of Object.entries(files)) fs.writeFileSync(path.join(root, "migrations", "versions", file), body);
  return root;
}

let sound = "";
let dangling = "";
beforeAll(() => {
  sound = project("sound", {
    "1a_base.py": migration("1a1a1a1a1a1a", null, { labels: ["core"], message: "create users" }),
    "2b_orders.py": migration("2b2b2b2b2b2b", ["1a1a1a1a1a1a"], { message: "create orders" }),
    "3c_audit.py": migration("3c3c3c3c3c3c", ["2b2b2b2b2b2b"], { deps: ["1a1a1a1a1a1a"], message: "add audit" }),
  });
  dangling = project("dangling", {
    "20250915_cleanup_mail_status.py": migration("7c1f0e2a9b3d", null),
    "20250916_next.py": migration("8d2e1f3b0c4e", ["20250915_cleanup_mail_status"]),
  });
});

describe("cairn graph --json", () => {
  it("prints exactly the specified shape and exits 0 for a sound project", async () => {
    const r = await runCairn(["graph", sound, "--json"], cacheEnv);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["revisions", "heads", "bases", "history", "problems"]);
    const revisions = out.revisions as Record<string, unknown>[];
    expect(revisions).toHaveLength(3);
    for (const rev of revisions) expect(Object.keys(rev)).toEqual(["revision", "downRevisions", "branchLabels", "dependsOn", "path", "message"]);
    const byId = new Map(revisions.map((x) => [x.revision, x]));
    expect(byId.get("3c3c3c3c3c3c")).toEqual({
      revision: "3c3c3c3c3c3c",
      downRevisions: ["2b2b2b2b2b2b"],
      branchLabels: [],
      dependsOn: ["1a1a1a1a1a1a"],
      path: path.join(sound, "migrations", "versions", "3c_audit.py"),
      message: "add audit",
    });
    expect(byId.get("1a1a1a1a1a1a")).toMatchObject({ downRevisions: [], branchLabels: ["core"] });
    expect(out.heads).toEqual(["3c3c3c3c3c3c"]);
    expect(out.bases).toEqual(["1a1a1a1a1a1a"]);
    expect(out.history).toEqual(["3c3c3c3c3c3c", "2b2b2b2b2b2b", "1a1a1a1a1a1a"]);
    expect(out.problems).toEqual([]);
  });

  it("exits 1 on an error-level problem: a down_revision naming a file, with a 'did you mean'", async () => {
    const r = await runCairn(["graph", dangling, "--json"], cacheEnv);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { problems: Record<string, unknown>[] };
    const p = out.problems.find((x) => x.code === "dangling-down-revision");
    expect(p).toBeDefined();
    expect(Object.keys(p!)).toEqual(["code", "severity", "revision", "path", "line", "message"]);
    expect(p).toMatchObject({
      severity: "error",
      revision: "8d2e1f3b0c4e",
      path: path.join(dangling, "migrations", "versions", "20250916_next.py"),
      line: 11,
    });
    expect(p!.message).toContain("'20250915_cleanup_mail_status'");
    expect(p!.message).toContain("Did you mean '7c1f0e2a9b3d'?");
    for (const q of out.problems) {
      expect(["error", "warning", "info"]).toContain(q.severity);
      for (const k of Object.keys(q)) expect(["code", "severity", "revision", "path", "line", "message"]).toContain(k);
    }
  });

  it("serves repeated runs from its cache, yet sees an edited migration at once", async () => {
    const root = project("edited", {
      "a.py": migration("aaaa00000001", null),
      "b.py": migration("bbbb00000002", ["aaaa00000001"]),
    });
    const first = await runCairn(["graph", root, "--json"], cacheEnv);
    const second = await runCairn(["graph", root, "--json"], cacheEnv);
    expect(second).toEqual(first);
    expect(JSON.parse(first.stdout).heads).toEqual(["bbbb00000002"]);
    // Same size, same second: only the content differs (a new head instead of a child of a).
    const file = path.join(root, "migrations", "versions", "b.py");
    const st = fs.statSync(file);
    fs.writeFileSync(file, migration("bbbb00000002", null));
    fs.utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
    const third = await runCairn(["graph", root, "--json"], cacheEnv);
    expect([...JSON.parse(third.stdout).bases].sort()).toEqual(["aaaa00000001", "bbbb00000002"]);
    expect([...JSON.parse(third.stdout).heads].sort()).toEqual(["aaaa00000001", "bbbb00000002"]);
    // Two unlabelled heads: an error Alembic's `upgrade head` would hit, so the cached 0 becomes 1.
    expect(first.code).toBe(0);
    expect(third.code).toBe(1);
    expect(JSON.parse(third.stdout).problems.map((p: { code: string }) => p.code)).toEqual(["multiple-heads"]);
    // A new file appears: listed on the next run.
    fs.writeFileSync(path.join(root, "migrations", "versions", "c.py"), migration("cccc00000003", ["aaaa00000001", "bbbb00000002"]));
    const fourth = await runCairn(["graph", root, "--json"], cacheEnv);
    expect(JSON.parse(fourth.stdout).heads).toEqual(["cccc00000003"]);
    expect(fourth.code).toBe(0);
    // --no-cache reads everything afresh and agrees.
    const fresh = await runCairn(["graph", root, "--json", "--no-cache"], cacheEnv);
    expect(fresh.stdout).toBe(fourth.stdout);
  });
});

describe("cairn graph output is the same cold, warm and with --no-cache", () => {
  it("prints byte-identical JSON and text whichever reader path each file takes", async () => {
    // Template headers take the token-free fast path (lib/alembic/scan-simple-header.ts); the others
    // — CRLF, a continuation line, a conditional, an annotated merge, a docstring that disagrees —
    // go through the tokenizer. Settled files (a minute old), so the warm run is served from cache.
    const crlf = migration("cccc00000043", ["bbbb00000042"]).replace(/\n/g, "\r\n");
    const root = project("identical", {
      "a.py": migration("aaaa00000041", null, { labels: ["core"] }),
      "b.py": migration("bbbb00000042", ["aaaa00000041"], { message: "second" }),
      "c.py": crlf,
      "d.py": migration("dddd00000044", ["cccc00000043"]).replace('revision = "dddd00000044"', 'revision = \\\n    "dddd00000044"'),
      "e.py": migration("eeee00000045", ["dddd00000044"]).replace('down_revision = "dddd00000044"', 'if True:\n    down_revision = "dddd00000044"\nelse:\n    down_revision = None'),
      "f.py": migration("ffff00000046", ["eeee00000045"]).replace("Revises: eeee00000045", "Revises: 0000nothere"),
      "g.py": migration("abab00000047", ["ffff00000046"]).replace('revision = "abab00000047"', 'revision: str = "abab00000047"').replace("down_revision =", "down_revision: Union[str, Sequence[str], None] ="),
      "h.py": migration("acac00000048", ["ffff00000046"], { deps: ["core"] }),
      "i.py": migration("adad00000049", ["abab00000047", "acac00000048"]).replace('("abab00000047", "acac00000048")', "('abab00000047',\n    'acac00000048')"),
    });
    const dir = path.join(root, "migrations", "versions");
    const old = new Date(Date.now() - 60_000);
    for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), old, old);
    const cacheDir = path.join(tmp, "cache-identical");
    for (const mode of [["--json"], []]) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const cold = await runCairn(["graph", root, ...mode], { CAIRN_CACHE_DIR: cacheDir });
      const warm = await runCairn(["graph", root, ...mode], { CAIRN_CACHE_DIR: cacheDir });
      const fresh = await runCairn(["graph", root, ...mode, "--no-cache"], { CAIRN_CACHE_DIR: cacheDir });
      expect(warm).toEqual(cold);
      expect(fresh).toEqual(cold);
      expect(fs.readdirSync(cacheDir).some((f) => f.startsWith("graph-"))).toBe(true);
    }
    const out = JSON.parse((await runCairn(["graph", root, "--json"], { CAIRN_CACHE_DIR: cacheDir })).stdout) as { revisions: { revision: string }[]; heads: string[]; problems: { code: string }[] };
    expect(out.revisions).toHaveLength(9);
    expect(out.heads).toEqual(["adad00000049"]);
    expect(out.problems.map((p) => p.code).sort()).toEqual(["conditional-assignment", "docstring-mismatch"]);
  });
});

describe("cairn graph result cache never serves a stale graph", () => {
  const old = new Date(Date.now() - 60_000);
  /** A project whose files are a minute old: past the racy window, so runs are served from cache. */
  function settled(name: string, files: Record<string, string>): string {
    const root = project(name, files);
    const dir = path.join(root, "migrations", "versions");
    for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), old, old);
    return root;
  }
  const ids = async (root: string) => {
    const r = await runCairn(["graph", root, "--json"], cacheEnv);
    const out = JSON.parse(r.stdout) as { revisions: { revision: string; path: string }[]; heads: string[] };
    return { heads: out.heads, revisions: out.revisions.map((x) => x.revision).sort(), paths: out.revisions.map((x) => path.basename(x.path)).sort() };
  };

  it("sees a removed migration and a renamed one on the next run", async () => {
    const root = settled("removed-renamed", {
      "a.py": migration("aaaa00000011", null),
      "b.py": migration("bbbb00000012", ["aaaa00000011"]),
      "c.py": migration("cccc00000013", ["bbbb00000012"]),
    });
    const dir = path.join(root, "migrations", "versions");
    expect((await ids(root)).heads).toEqual(["cccc00000013"]);
    expect((await ids(root)).heads).toEqual(["cccc00000013"]); // served from the result cache
    fs.rmSync(path.join(dir, "c.py"));
    const afterRemove = await ids(root);
    expect(afterRemove.heads).toEqual(["bbbb00000012"]);
    expect(afterRemove.revisions).toEqual(["aaaa00000011", "bbbb00000012"]);
    fs.renameSync(path.join(dir, "b.py"), path.join(dir, "b_renamed.py"));
    const afterRename = await ids(root);
    expect(afterRename.paths).toEqual(["a.py", "b_renamed.py"]);
    // Renamed to a name Alembic does not load: the revision is gone, and so is the head.
    fs.renameSync(path.join(dir, "b_renamed.py"), path.join(dir, "b_renamed.py.bak"));
    expect((await ids(root)).revisions).toEqual(["aaaa00000011"]);
  });

  it("serves a stored result only for the exact key it was written for, byte for byte", async () => {
    const root = settled("exact-key", {
      "a.py": migration("aaaa00000031", null),
      "b.py": migration("bbbb00000032", ["aaaa00000031"]),
    });
    const cacheDir = path.join(tmp, "cache-exact-key");
    const run = () => runCairn(["graph", root, "--json"], { CAIRN_CACHE_DIR: cacheDir });
    const truth = await run();
    const [name] = fs.readdirSync(cacheDir).filter((f) => /^graph-[0-9a-f]{16}-json\.out$/.test(f));
    const file = path.join(cacheDir, name!);
    const stored = fs.readFileSync(file);
    const header = stored.subarray(0, stored.indexOf(10) + 1).toString("latin1");
    const keyLength = Number(header.split(" ")[2]);
    const keyEnd = header.length + keyLength;
    expect(stored.subarray(keyEnd).toString()).toBe(truth.stdout);
    // A marked body under the intact key is what the next run prints: the cache really is consulted.
    const marked = truth.stdout.replace('"heads":["bbbb00000032"]', '"heads":["served-from-cache"]');
    fs.writeFileSync(file, Buffer.concat([stored.subarray(0, keyEnd), Buffer.from(marked)]));
    expect((await run()).stdout).toBe(marked);
    // The same marked body under a key differing in one byte (here the last file's mtime) is ignored.
    const otherKey = Buffer.from(stored.subarray(0, keyEnd));
    otherKey[keyEnd - 1] = otherKey[keyEnd - 1]! ^ 1;
    fs.writeFileSync(file, Buffer.concat([otherKey, Buffer.from(marked)]));
    expect((await run()).stdout).toBe(truth.stdout);
  });

  it("sees an edit that keeps the file's size and mtime when the file was fresh (racy) at the last run", async () => {
    // Files written just now: a rewrite in the same clock tick leaves size and mtime unchanged, so
    // neither cache may keep them. Simulated exactly: same size, mtime restored.
    const root = project("racy", {
      "a.py": migration("aaaa00000021", null),
      "x.py": migration("eeee00000023", ["aaaa00000021"]),
      "b.py": migration("bbbb00000022", ["aaaa00000021"]),
    });
    const file = path.join(root, "migrations", "versions", "b.py");
    const now = Math.floor(Date.now()) / 1000; // utimes rounds the same value the same way twice
    fs.utimesSync(file, now, now);
    expect((await ids(root)).heads.sort()).toEqual(["bbbb00000022", "eeee00000023"]);
    const st = fs.statSync(file);
    const edited = migration("bbbb00000022", ["eeee00000023"]);
    expect(edited.length).toBe(fs.readFileSync(file, "utf8").length); // same size
    fs.writeFileSync(file, edited);
    fs.utimesSync(file, now, now);
    expect(fs.statSync(file).mtimeMs).toBe(st.mtimeMs);
    expect((await ids(root)).heads).toEqual(["bbbb00000022"]);
  });
});

describe("cairn graph usage and unreadable paths", () => {
  it("exits 2 on bad usage, saying what is wrong", async () => {
    const unknown = await runCairn(["graph", sound, "--bogus"], cacheEnv);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--bogus"');
    expect(unknown.stderr).toContain("Usage: cairn graph");
    const two = await runCairn(["graph", sound, dangling], cacheEnv);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("only one PATH is accepted");
    const constants = await runCairn(["graph", sound, "--constants"], cacheEnv);
    expect(constants.code).toBe(2);
    expect(constants.stderr).toContain("--constants needs a file path");
  });

  it("exits 2 on a path it cannot read, naming the path", async () => {
    const missing = path.join(tmp, "no-such-project");
    const r = await runCairn(["graph", missing, "--json"], cacheEnv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${missing} does not exist`);
    const badIni = path.join(tmp, "bad-ini");
    fs.mkdirSync(badIni, { recursive: true });
    fs.writeFileSync(path.join(badIni, "alembic.ini"), "[alembic]\nsqlalchemy.url = sqlite://\n");
    const r2 = await runCairn(["graph", badIni], cacheEnv);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(path.join(badIni, "alembic.ini"));
    expect(r2.stderr).toContain("script_location");
  });

  it("prints help with exit 0, and exits 2 without a command or with an unknown one", async () => {
    const help = await runCairn(["graph", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: cairn graph [PATH] [--json]");
    expect(help.stdout).toContain("Exit status: 0 sound; 1 the project has error-level problems; 2 bad usage or unreadable PATH.");
    const top = await runCairn(["--help"]);
    expect(top.code).toBe(0);
    // Every command is listed, one a line, in the order cli/main.ts declares them.
    expect(top.stdout).toMatch(/Commands:\n {2}graph .*\n {2}lint .*\n {2}status .*\n {2}rehearse /);
    expect((await runCairn([])).code).toBe(2);
    const unknown = await runCairn(["grpah"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "grpah"');
  });
});

const SHOP = path.resolve(import.meta.dirname, "../../examples/shop");
describe.skipIf(skipWithoutAlembic(fs.existsSync(ALEMBIC_BIN), ALEMBIC_BIN))("cairn graph (text) on examples/shop", () => {
  it("prints the heads and history blocks byte for byte as real `alembic heads` / `alembic history`", async () => {
    const alembic = (cmd: string) =>
      execFileSync(ALEMBIC_BIN, ["-c", path.join(SHOP, "alembic.ini"), cmd], {
        cwd: SHOP,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: "sqlite://", PYTHONDONTWRITEBYTECODE: "1" },
      });
    const r = await runCairn(["graph", SHOP], cacheEnv);
    // The demo keeps one deliberate error (a 37-character revision id), so the exit status is 1.
    expect(r.code).toBe(1);
    const history = r.stdout.split("\nHistory:\n")[1];
    expect(history).toBe(alembic("history"));
    const heads = /\nHeads \(2\):\n([\s\S]*?)\n\nHistory:/.exec(r.stdout)?.[1];
    expect(`${heads}\n`).toBe(alembic("heads"));
    // Alembic's own order: the reporting head first, as os.listdir happens to list it.
    expect(heads!.split("\n")[0]).toBe("6e8a0c2e4ab2 (reporting) (head)");
  });
});
