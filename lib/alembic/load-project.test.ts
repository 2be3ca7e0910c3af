import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findAlembicLocation } from "@/lib/alembic/find-alembic-location";
import { listMigrationFiles } from "@/lib/alembic/list-migration-files";
import { loadProject } from "@/lib/alembic/load-project";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-reader-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): string {
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

describe("findAlembicLocation and listMigrationFiles", () => {
  it("resolves script_location, version_locations with separators, recursion and pyproject.toml", () => {
    const p = write(path.join(tmp, "loc"), {
      "alembic.ini": "[alembic]\nscript_location = %(here)s/mig\nversion_locations = %(here)s/a;b\nversion_path_separator = ;\nrecursive_version_locations = true\n",
      "a/.keep": "",
      "b/.keep": "",
    });
    const loc = findAlembicLocation(p);
    expect(loc).toEqual({ configFile: path.join(p, "alembic.ini"), rootDir: p, scriptLocation: path.join(p, "mig"), versionLocations: [path.join(p, "a"), path.join(p, "b")], recursiveVersionLocations: true });
    expect(findAlembicLocation(path.join(p, "alembic.ini"))).toEqual(loc);
    const q = write(path.join(tmp, "pyproj"), { "pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/m"\n' });
    expect(findAlembicLocation(q)).toMatchObject({ configFile: path.join(q, "pyproject.toml"), versionLocations: [path.join(q, "m", "versions")], recursiveVersionLocations: false });
    const bad = write(path.join(tmp, "badsep"), { "alembic.ini": "[alembic]\nscript_location = m\nversion_locations = a b\nversion_path_separator = newline\n" });
    expect(() => findAlembicLocation(bad)).toThrow(/alembic\.ini:4: version_path_separator has a value Alembic does not know/);
    const pkg = write(path.join(tmp, "pkgform"), { "alembic.ini": "[alembic]\nscript_location = myapp:migrations\n" });
    expect(() => findAlembicLocation(pkg)).toThrow(/package resource \(package:path\), and Cairn cannot find that package/);
    expect(() => findAlembicLocation(path.join(tmp, "nope"))).toThrow(/does not exist/);
  });

  it("lists files exactly like Script._list_py_dir/_from_filename", () => {
    const v = write(path.join(tmp, "listing", "versions"), {
      "b_two.py": "",
      "a_one.py": "",
      "__init__.py": "",
      "__init__x.py": "",
      ".#lock.py": "",
      "x.sql": "",
      README: "",
      EXPAND_HEAD: "",
      "c.pyc": "",
      "__pycache__/z.py": "",
      "sub/d_three.py": "",
      "sub/deeper/e.py": "",
    });
    const flat = listMigrationFiles({ rootDir: v, versionLocations: [v], recursiveVersionLocations: false }, { fileOrder: "sorted" });
    expect(flat.files.map((f) => path.relative(v, f))).toEqual(["a_one.py", "b_two.py"]);
    // recursive_version_locations is an Alembic >= 1.10 key, so it implies the sorted, recursive walk.
    const rec = listMigrationFiles({ rootDir: v, versionLocations: [v, path.join(v, "sub")], recursiveVersionLocations: true });
    expect(rec.files.map((f) => path.relative(v, f))).toEqual(["a_one.py", "b_two.py", "sub/d_three.py", "sub/deeper/e.py"]);
    expect(rec.problems.map((p) => p.code)).toEqual(["file-loaded-twice", "file-loaded-twice"]);
  });

  it("by default lists in raw directory order, exactly what Alembic 1.8's os.listdir returns", () => {
    const names = Array.from({ length: 40 }, (_, i) => `${(i * 7919).toString(16)}_step_${i}.py`);
    const v = write(path.join(tmp, "raw-order", "versions"), Object.fromEntries([...names, "sub/nested.py", "notes.txt"].map((n) => [n, ""])));
    const python = execFileSync("/usr/bin/python3", ["-c", "import os,sys,json; print(json.dumps(os.listdir(sys.argv[1])))", v], { encoding: "utf8" });
    const expected = (JSON.parse(python) as string[]).filter((n) => n.endsWith(".py"));
    const listed = listMigrationFiles({ rootDir: v, versionLocations: [v], recursiveVersionLocations: false });
    expect(listed.files.map((f) => path.basename(f))).toEqual(expected);
    // The same directory in name order is a different order (else this test proves nothing).
    expect(expected).not.toEqual([...expected].sort());
    expect(listMigrationFiles({ rootDir: v, versionLocations: [v], recursiveVersionLocations: false }, { fileOrder: "sorted" }).files.map((f) => path.basename(f))).toEqual([...expected].sort());
  });
});

describe("loadProject cache", () => {
  it("parses every file once, then 0, then exactly the touched one", () => {
    const dir = path.join(tmp, "cache-proj");
    const files: Record<string, string> = { "alembic.ini": "[alembic]\nscript_location = mig\n" };
    for (let i = 0; i < 5; i++) files[`mig/versions/r${i}.py`] = `revision = "r${i}"\ndown_revision = ${i === 0 ? "None" : `"r${i - 1}"`}\n`;
    write(dir, files);
    // Settled files, as in a checkout: a file modified within RACY_MS of a load is never cached.
    const old = new Date(Date.now() - 60_000);
    for (let i = 0; i < 5; i++) fs.utimesSync(path.join(dir, `mig/versions/r${i}.py`), old, old);
    const cacheDir = path.join(tmp, "cache");
    const first = loadProject(dir, { cacheDir });
    expect(first.stats).toEqual({ files: 5, parsed: 5, cached: 0 });
    expect(loadProject(dir, { cacheDir }).stats).toEqual({ files: 5, parsed: 0, cached: 5 });
    const f = path.join(dir, "mig/versions/r3.py");
    fs.writeFileSync(f, 'revision = "r3"\ndown_revision = "r1"\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(f, later, later);
    const third = loadProject(dir, { cacheDir });
    expect(third.stats).toEqual({ files: 5, parsed: 1, cached: 4 });
    expect(third.scripts.find((s) => s.revision === "r3")!.downRevisions).toEqual(["r1"]);
    // r3 was just modified (racy): it is read again on every load until it has settled.
    fs.writeFileSync(f, 'revision = "r3"\ndown_revision = "r2"\n');
    fs.utimesSync(f, later, later); // same size, same mtime: only a re-read can see the edit
    const fourth = loadProject(dir, { cacheDir });
    expect(fourth.stats).toEqual({ files: 5, parsed: 1, cached: 4 });
    expect(fourth.scripts.find((s) => s.revision === "r3")!.downRevisions).toEqual(["r2"]);
    // A cache directory that cannot exist (its parent is a file) never fails a load.
    expect(loadProject(dir, { cacheDir: path.join(f, "not-a-dir") }).scripts).toHaveLength(5);
  });
});

// Files whose spelling is odd but which Alembic loads; each is compared with real Alembic 1.8.1.
const ODD: Record<string, string> = {
  "01_single.py": "revision = 'r01'\ndown_revision = None\n",
  "02_concat.py": 'revision = "r0" "2"\ndown_revision = ("r01",)\n',
  "03_paren.py": 'revision = ("r03")\ndown_revision = ["r01", \'r02\']\nbranch_labels = "lbl3"\n',
  "04_annot.py":
    '"""Doc\n\nRevision ID: r04\n"""\nfrom typing import Sequence, Union\nrevision: str = "r04"\ndown_revision: Union[str, Sequence[str], None] = (\n    "r01",  # one\n    "r02",\n    "r03",\n)\ndepends_on: Union[str, None]\n',
  "05_unpack.py": 'revision, down_revision = "r05", "r04"\n',
  "06_paren_unpack.py": '(revision, down_revision) = ("r06", None)\nbranch_labels = depends_on = None\n',
  "07_last_wins.py": 'revision = "zz"\nrevision = "r07"  # trailing\ndown_revision = ()\nbranch_labels = ()\ndepends_on = ""\n',
  "08_crlf.py": '"""CRLF doc\r\n\r\nbody\r\n"""\r\nrevision = "r08"\r\ndown_revision = (\r\n  "r07",\r\n)\r\ndepends_on = ["r05"]\r\n',
  "09_lookalike.py": '"""revision = "nope"\n"""\nx = \'\'\'\nrevision = "str"\n\'\'\'\n# revision = "comment"\nrevision = "r09"; down_revision = ""\ndef upgrade():\n    revision = "fn"\nclass K:\n    down_revision = "cls"\n',
  "0a0b.py": 'down_revision = "r09"\n',
  "10_semicolon.py": 'import os; revision = "r10"; down_revision = "r09"\nbranch_labels = ["lbl10", "lbl10b"]\n',
  "11_pipe.py": 'revision: str = "r11"\ndown_revision: str | None = "r10"\n',
  "12_bom.py": '\ufeffrevision = "r12"\ndown_revision = "r11"\n',
  "13_cr.py": 'revision = "r13"\rdown_revision = "r12"\r',
  "__init__.py": 'revision = "never"\ndown_revision = None\n',
};

describe("agreement with real Alembic", () => {
  it("reads each file's revision, down_revision, branch_labels and depends_on as Alembic 1.8 does", () => {
    const v = write(path.join(tmp, "odd", "versions"), ODD);
    const py = [
      "import json, os, sys",
      "from alembic.script import ScriptDirectory",
      "from alembic.script.base import Script",
      "d = sys.argv[1]",
      "sd = ScriptDirectory(os.path.dirname(d), version_locations=[d])",
      "out = {}",
      "for f in sorted(os.listdir(d)):",
      "    s = Script._from_filename(sd, d, f)",
      "    if s is None: continue",
      "    t = lambda x: [] if x is None else [x] if isinstance(x, str) else list(x)",
      "    out[f] = {'revision': s.revision, 'down': [x for x in t(s.down_revision) if x], 'labels': sorted(s.branch_labels), 'deps': [x for x in t(s.dependencies) if x], 'doc': s.doc}",
      "print(json.dumps(out))",
    ].join("\n");
    const alembic = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py, v], { encoding: "utf8" })) as Record<string, unknown>;
    const ours = loadProject(v, { cacheDir: false });
    const mine: Record<string, unknown> = {};
    for (const s of ours.scripts) {
      mine[path.basename(s.path)] = { revision: s.revision, down: s.downRevisions, labels: [...s.branchLabels].sort(), deps: s.dependsOn, doc: s.message };
    }
    expect(Object.keys(alembic)).toHaveLength(Object.keys(ODD).length - 1);
    expect(mine).toEqual(alembic);
    expect(ours.problems.filter((p) => p.severity === "error")).toEqual([]);
  });
});
