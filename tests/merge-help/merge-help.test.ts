import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { mergeCommandLine } from "@/lib/merge-help/prepare-merge-help";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { pythonHasAlembic, skipWithoutAlembic } from "@/tests/support/alembic";
import * as mergeHelpRoute from "@/app/api/projects/[project]/merge-help/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let viewer: User;
const fixtures: Array<ReturnType<typeof copyFixtureProject>> = [];

const mergeHelp = async (user: User | undefined, project: string) => mergeHelpRoute.GET(request("GET", `/api/projects/${project}/merge-help`, { cookie: user?.cookie }), ctx({ project }));

/** Every file under dir with its SHA-256: what "the repository is untouched" is checked against. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, rel);
    if (fs.statSync(file).isFile()) out[rel] = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  }
  return out;
}

/** The runner fixture's configuration, env.py and template with these revisions only (id → parents). */
async function project(name: string, revisions: Record<string, string | string[] | null>, command?: string[]) {
  const f = copyFixtureProject([]);
  fixtures.push(f);
  const versions = path.join(f.dir, "versions");
  fs.rmSync(versions, { recursive: true });
  fs.mkdirSync(versions);
  for (const [rev, down] of Object.entries(revisions)) {
    const downText = down === null ? "None" : Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(", ")})` : `"${down}"`;
    fs.writeFileSync(
      path.join(versions, `${rev}_step.py`),
      `"""step ${rev}"""\nrevision = "${rev}"\ndown_revision = ${downText}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`,
    );
  }
  await seedProject(db, { name, dir: f.dir, envs: [] });
  if (command) await db.project.update({ where: { name }, data: { command } });
  return f.dir;
}

/** Two heads, b2 and c3, over a1. */
const TWO_HEADS = { a1: null, b2: "a1", c3: "a1" };

/** Temp directories Alembic's merge copies live in (cairn-merge-*). */
const mergeCopies = () =>
  fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith("cairn-merge-"))
    .sort();

const haveAlembic = pythonHasAlembic("/usr/bin/python3");

describe.skipIf(skipWithoutAlembic(haveAlembic, "Alembic for /usr/bin/python3"))("merge help with real Alembic", () => {
  beforeAll(async () => {
    app = await useAppStore("cairn_merge_help");
    db = app.db;
    viewer = await signedIn(db, "viewer");
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    for (const f of fixtures) f.remove();
  });

  it("two heads: the merge file Alembic writes revises both, the preview has one head, and the repository is untouched", async () => {
    const dir = await project("merge-two", TWO_HEADS);
    const before = tree(dir);
    const copiesBefore = mergeCopies();
    const res = await mergeHelp(viewer, "merge-two");
    expect(res.status).toBe(200);
    const help = await body(res);
    expect(help.kind).toBe("merge");
    expect([...help.heads].sort()).toEqual(["b2", "c3"]);
    expect(help.command).toBe(`/usr/bin/python3 -m alembic merge -m "merge ${help.heads[0]} and ${help.heads[1]}" ${help.heads.join(" ")}`);
    expect(help.directory).toBe("versions");
    expect(help.fileName).toMatch(new RegExp(`^${help.revision}_merge_\\w+_and_\\w+\\.py$`));
    // Rendered by the project's own script.py.mako: its template's lines, the heads as a tuple.
    expect(help.contents).toContain(`revision = '${help.revision}'`);
    expect(help.contents).toContain(`down_revision = ('${help.heads[0]}', '${help.heads[1]}')`);
    expect(help.contents).toMatch(/^"""merge \w+ and \w+\n\nRevision ID: /);
    expect(help.preview.heads).toEqual([help.revision]);
    expect(help.preview.revisions).toBe(4);
    expect(help.preview.problems).toEqual([]);
    // Nothing written, changed or left behind: not in the project, not in the temp directory.
    expect(tree(dir)).toEqual(before);
    expect(mergeCopies()).toEqual(copiesBefore);
    // The file, put where the panel says, gives the project one head by Cairn's reader too.
    const check = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-merge-check-"));
    try {
      fs.cpSync(dir, check, { recursive: true });
      fs.writeFileSync(path.join(check, help.directory, help.fileName), help.contents);
      expect(readProjectGraph(check, { cacheDir: false }).graph.heads).toEqual([help.revision]);
    } finally {
      fs.rmSync(check, { recursive: true, force: true });
    }
    // Cairn ran a command: it is in the audit trail under the viewer's name.
    const audit = await db.auditEvent.findFirst({ where: { action: "command.run", actorId: viewer.id, project: "merge-two" }, orderBy: { at: "desc" } });
    expect(audit?.details).toMatchObject({ purpose: "preview" });
  });

  it("three heads: one merge of all three", async () => {
    const dir = await project("merge-three", { ...TWO_HEADS, d4: "a1" });
    const before = tree(dir);
    const help = await body(await mergeHelp(viewer, "merge-three"));
    expect(help.kind).toBe("merge");
    expect([...help.heads].sort()).toEqual(["b2", "c3", "d4"]);
    const [a, b, c] = help.heads;
    expect(help.command).toContain(`merge -m "merge ${a}, ${b} and ${c}" ${a} ${b} ${c}`);
    expect(help.contents).toContain(`down_revision = ('${a}', '${b}', '${c}')`);
    expect(help.preview.heads).toEqual([help.revision]);
    expect(tree(dir)).toEqual(before);
  });

  it("one head, or heads on their own branch labels: nothing to merge, and Alembic is not started", async () => {
    await project("merge-one", { ...TWO_HEADS, d4: ["b2", "c3"] });
    const one = await body(await mergeHelp(viewer, "merge-one"));
    expect(one).toMatchObject({ kind: "none", heads: ["d4"] });
    expect(one.message).toMatch(/one head/);
    const dir = await project("merge-labelled", TWO_HEADS);
    for (const [rev, label] of [
      ["b2", "left"],
      ["c3", "right"],
    ]) {
      const file = path.join(dir, "versions", `${rev}_step.py`);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("branch_labels = None", `branch_labels = ("${label}",)`));
    }
    const labelled = await body(await mergeHelp(viewer, "merge-labelled"));
    expect(labelled.kind).toBe("none");
    expect(labelled.message).toMatch(/own branch label/);
    const audits = await db.auditEvent.count({ where: { action: "command.run", project: { in: ["merge-one", "merge-labelled"] } } });
    expect(audits).toBe(0);
  });

  it("a relative Alembic command (a project's own virtualenv) is the project's, not the copy's", async () => {
    const dir = await project("merge-relative", TWO_HEADS, ["bin/alembic"]);
    // The script directory in migrations/, so bin/ is not part of the copy Alembic runs in.
    fs.mkdirSync(path.join(dir, "migrations"));
    for (const f of ["env.py", "script.py.mako", "versions"]) fs.renameSync(path.join(dir, f), path.join(dir, "migrations", f));
    const ini = path.join(dir, "alembic.ini");
    fs.writeFileSync(ini, fs.readFileSync(ini, "utf8").replace("script_location = .", "script_location = %(here)s/migrations").replace("%(here)s/versions", "%(here)s/migrations/versions"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "alembic"), '#!/bin/sh\nexec /usr/bin/python3 -m alembic "$@"\n', { mode: 0o755 });
    const before = tree(dir);
    const help = await body(await mergeHelp(viewer, "merge-relative"));
    expect(help.kind).toBe("merge");
    expect(help.command).toMatch(/^bin\/alembic merge -m "merge \w+ and \w+" \w+ \w+$/);
    expect(help.directory).toBe("migrations/versions");
    expect(help.preview.heads).toEqual([help.revision]);
    expect(tree(dir)).toEqual(before);
  });

  it("a project whose Alembic cannot run: a clear message, the repository untouched and no copy left", async () => {
    const dir = await project("merge-broken", TWO_HEADS, ["/nonexistent/bin/alembic"]);
    const before = tree(dir);
    const copiesBefore = mergeCopies();
    const res = await mergeHelp(viewer, "merge-broken");
    expect(res.status).toBe(200);
    const help = await body(res);
    expect(help.kind).toBe("failed");
    expect(help.message).toMatch(/^Cairn could not run the project's Alembic \("\/nonexistent\/bin\/alembic"\): .*not found/);
    expect(help.command).toMatch(/^\/nonexistent\/bin\/alembic merge -m "merge \w+ and \w+" \w+ \w+$/);
    expect(tree(dir)).toEqual(before);
    expect(mergeCopies()).toEqual(copiesBefore);
  });

  it("Alembic that fails inside (a broken template): its exception as the headline, not a traceback, and no copy left", async () => {
    const dir = await project("merge-bad-template", TWO_HEADS);
    fs.writeFileSync(path.join(dir, "script.py.mako"), '"""${message}"""\nrevision = ${repr(up_revision)}\n${undefined_name.attr}\n');
    const copiesBefore = mergeCopies();
    const help = await body(await mergeHelp(viewer, "merge-bad-template"));
    expect(help.kind).toBe("failed");
    expect(help.message).toMatch(/^The project's Alembic \("\/usr\/bin\/python3 -m alembic"\) could not write the merge: /);
    expect(help.message).toMatch(/Template rendering failed \(the project's script.py.mako\)\.$/);
    expect(help.message).not.toMatch(/Traceback|traceback|\/tmp\//);
    expect(help.details.join("\n")).not.toContain(os.tmpdir() + "/cairn-merge-");
    expect(mergeCopies()).toEqual(copiesBefore);
  });

  it("an alembic.ini naming its versions by an absolute path is refused before Alembic could write into the repository", async () => {
    const dir = await project("merge-absolute", TWO_HEADS);
    const ini = path.join(dir, "alembic.ini");
    fs.writeFileSync(ini, fs.readFileSync(ini, "utf8").replace("version_locations = %(here)s/versions", `version_locations = ${dir}/versions`));
    const before = tree(dir);
    const help = await body(await mergeHelp(viewer, "merge-absolute"));
    expect(help.kind).toBe("failed");
    expect(help.message).toMatch(/absolute path, so Alembic would write the merge into the repository itself/);
    expect(tree(dir)).toEqual(before);
  });

  it("refuses an anonymous request before running anything", async () => {
    const res = await mergeHelp(undefined, "merge-two");
    expect(res.status).toBe(401);
  });
});

describe("mergeCommandLine", () => {
  it("quotes the message and any word a shell would split", () => {
    expect(mergeCommandLine(["alembic"], ["a1", "b2"])).toBe('alembic merge -m "merge a1 and b2" a1 b2');
    expect(mergeCommandLine(["poetry", "run", "alembic"], ["a1", "b2", "c3"], { configFile: "db/my alembic.ini", xArgs: ["tenant=acme"] })).toBe(
      'poetry run alembic -c "db/my alembic.ini" -x tenant=acme merge -m "merge a1, b2 and c3" a1 b2 c3',
    );
  });
});
