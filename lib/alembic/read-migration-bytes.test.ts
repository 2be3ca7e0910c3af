import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProject, scanProject } from "@/lib/alembic/load-project";
import { moduleHeaderEnd, readMigrationBytes } from "@/lib/alembic/read-migration-bytes";
import { decodePythonSource, readMigrationFile } from "@/lib/alembic/read-migration-file";

const enc = new TextEncoder();
const HEADER = '"""Add things\n\nRevision ID: a1\nRevises: p0\n"""\nfrom alembic import op\n\nrevision = "a1"\ndown_revision = "p0"\n';
const BODY = '\n\ndef upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    pass\n';

/** The fast path must agree with the full reader on every input; returns where the header ended. */
function check(src: string | Uint8Array): number {
  const bytes = typeof src === "string" ? enc.encode(src) : src;
  const fast = readMigrationBytes(bytes, "/v/x.py");
  const full = readMigrationFile(decodePythonSource(bytes), "/v/x.py");
  expect(fast).toEqual(full);
  // loadProject hands over a Buffer, whose header is decoded by Buffer itself rather than TextDecoder.
  expect(readMigrationBytes(Buffer.from(bytes), "/v/x.py")).toEqual(full);
  return moduleHeaderEnd(bytes);
}
const ids = (src: string) => {
  const r = readMigrationBytes(enc.encode(src), "/v/x.py");
  return r.script ? { rev: r.script.revision, down: r.script.downRevisions } : r.problems.map((p) => p.code);
};

describe("readMigrationBytes fast path", () => {
  it("reads only the header of an ordinary migration and agrees with the full reader", () => {
    const src = HEADER + BODY;
    expect(check(src)).toBe(HEADER.length + 2);
    expect(ids(src)).toEqual({ rev: "a1", down: ["p0"] });
    // Decorators, classes, async defs and indented comments after the header are still skippable.
    const more = HEADER + "\n@decorator(1)\ndef upgrade():\n    x = {'a': [1, (2,\n3)]}\n# col-0 comment\n    return x\n\nclass K(object):\n    revision = 'cls'\n\nasync def f():\n  pass\n";
    expect(check(more)).toBeGreaterThan(0);
    expect(ids(more)).toEqual({ rev: "a1", down: ["p0"] });
  });

  it("falls back when an assignment to revision/down_revision follows the functions (last one wins)", () => {
    const src = HEADER + BODY + 'revision = "late"\ndown_revision = None\n';
    expect(check(src)).toBe(-1);
    expect(ids(src)).toEqual({ rev: "late", down: [] });
  });

  it("does not mistake column-0 text in a triple-quoted string inside upgrade() for a statement", () => {
    for (const q of ['"""', "'''"]) {
      const src = HEADER + `\ndef upgrade():\n    op.execute(${q}\nrevision = "x"\ndown_revision = "y"\n${q})\n` + BODY;
      expect(check(src)).toBeGreaterThan(0);
      expect(ids(src)).toEqual({ rev: "a1", down: ["p0"] });
    }
    // Escaped quotes and prefixes other than f keep the string open across the fake statement.
    const tricky = HEADER + '\ndef upgrade():\n    s = rb"""a\\"""\nrevision = "x"\n""" + u\'\\\'\'\n';
    expect(check(tricky)).toBeGreaterThan(0);
    expect(ids(tricky)).toEqual({ rev: "a1", down: ["p0"] });
  });

  it("falls back on module-level if/try/with/for statements after the functions", () => {
    for (const stmt of ['if True:\n    revision = "c"\n', 'try:\n    revision = "t"\nexcept Exception:\n    pass\n', "x = 1\n", "upgrade()\n"]) {
      expect(check(HEADER + BODY + stmt)).toBe(-1);
    }
    expect(ids(HEADER + BODY + 'if True:\n    revision = "c"\n')).toEqual({ rev: "c", down: ["p0"] });
  });

  it("falls back on f-strings, line continuations, form feeds, stray characters and cookies", () => {
    expect(check(HEADER + '\ndef upgrade():\n    op.execute(f"{x["k"]}")\n')).toBe(-1);
    expect(check(HEADER + '\ndef upgrade():\n    op.execute(rF"""\n{x}""")\n')).toBe(-1);
    expect(check(HEADER + BODY + '\\\nrevision = "cont"\n')).toBe(-1);
    expect(check(HEADER + BODY + '  \frevision = "ff"\n')).toBe(-1);
    expect(check(HEADER + "\ndef upgrade():\n    x = $1\n")).toBe(-1);
    expect(check("# -*- coding: latin-1 -*-\n" + HEADER + BODY)).toBe(-1);
    expect(check(enc.encode("\ufeff" + HEADER + BODY))).toBe(-1);
    // `define`, `classes`, `@=` are not def/class/decorator lines.
    expect(check(HEADER + BODY + "define = 1\n")).toBe(-1);
    expect(check(HEADER + BODY + "classes = 1\n")).toBe(-1);
  });

  it("finds a coding cookie after spaces, tabs or a form feed, on line 1 or 2, with any line ending, as Python does", () => {
    // Each decoded by Python 3.11 to the docstring "café" (importlib, the way Alembic loads a migration).
    const body = '"""caf\xe9\n\nRevision ID: a1\n"""\nrevision = "a1"\ndown_revision = None\n';
    for (const prefix of ["  # -*- coding: latin-1 -*-\n", "\f# coding: latin-1\n", "\n\t# coding: latin-1\n", "#!/usr/bin/env python\r  # coding: latin-1\r", "#!/usr/bin/env python\r\n \t# vim: set fileencoding=latin-1 :\r\n"]) {
      const bytes = Buffer.from(prefix + body, "latin1");
      expect(check(bytes), JSON.stringify(prefix)).toBe(-1);
      expect(readMigrationBytes(bytes, "/v/x.py").script?.message, JSON.stringify(prefix)).toBe("café");
    }
  });

  it("decodes a header holding invalid UTF-8 as the full reader does, from a Buffer too", () => {
    // Overlong forms, a surrogate, truncated and stray continuation bytes, 0xFF, a BOM past the start:
    // U+FFFD replacements must come out the same in the message and the ids.
    const junk = [0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x82, 0x41, 0x80, 0xbf, 0xff, 0xf0, 0x9f, 0x98, 0xef, 0xbb, 0xbf, 0xf4, 0x90, 0x80, 0x80];
    const head = enc.encode('"""Add ');
    const rest = enc.encode('\n\nRevision ID: a1\n"""\nrevision = "a\u00e91"\ndown_revision = None\n' + BODY);
    const bytes = new Uint8Array([...head, ...junk, ...rest]);
    expect(check(bytes)).toBeGreaterThan(0);
    const r = readMigrationBytes(Buffer.from(bytes), "/v/x.py");
    expect(r.script?.message).toContain("\ufffd");
    expect(r.script?.revision).toBe("a\u00e91");
  });

  it("reads CRLF and CR files the same way", () => {
    const crlf = (HEADER + BODY).replace(/\n/g, "\r\n");
    expect(check(crlf)).toBeGreaterThan(0);
    expect(ids(crlf)).toEqual({ rev: "a1", down: ["p0"] });
    expect(check((HEADER + BODY).replace(/\n/g, "\r"))).toBeGreaterThan(0);
    expect(check((HEADER + BODY + 'revision = "z"\n').replace(/\n/g, "\r\n"))).toBe(-1);
    expect(ids((HEADER + BODY + 'revision = "z"\n').replace(/\n/g, "\r\n"))).toEqual({ rev: "z", down: ["p0"] });
  });

  it("reports the same syntax errors as the full reader, in the header or in a body", () => {
    const headerError = 'revision = "a1"\ndown_revision = ("p0"\n' + BODY;
    expect(check(headerError)).toBe(-1);
    expect(ids(headerError)).toEqual(["syntax-error"]);
    for (const bad of ['    x = "unterminated\n', "    x = (1, [2)\n", "    x = (1,\n", '    s = """never closed\n']) {
      const src = HEADER + "\ndef upgrade():\n" + bad;
      expect(check(src)).toBe(-1);
      expect(ids(src)).toEqual(["syntax-error"]);
    }
  });

  it("handles a file that starts with a def, has no def, or is empty", () => {
    expect(check("def upgrade():\n    pass\n")).toBe(0);
    expect(check(HEADER)).toBe(HEADER.length);
    expect(check("")).toBe(0);
    expect(check('revision = "9f"\ndown_revision = None\ndef upgrade(): revision = "one-liner"\n')).toBeGreaterThan(0);
    expect(ids('revision = "9f"\ndown_revision = None\ndef upgrade(): revision = "one-liner"\n')).toEqual({ rev: "9f", down: [] });
  });
});

describe("readMigrationBytes on random files", () => {
  it("agrees with the full reader on 3,000 files assembled from tricky fragments", () => {
    // Seeded, so a failure reproduces. Fragments are legal or broken Python that either path must handle.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const header = [
      '"""Doc\n\nRevision ID: r1\n"""\n',
      'revision = "r1"\n',
      "down_revision = None\n",
      'down_revision = ("a", "b")\n',
      "import os\n",
      "# revision = 'c'\n",
      'if X:\n    revision = "cond"\n',
      'branch_labels = ("x",)\n',
      "x = (1,\n2)\n",
      's = """\nrevision = "doc"\n"""\n',
    ];
    const body = [
      "def upgrade():\n",
      "    pass\n",
      '    op.execute("""\nrevision = \'in-string\'\n""")\n',
      "    x = [1,\n2]\n",
      "@dec\n",
      "class K:\n",
      "    revision = 'k'\n",
      '    s = f"{a["b"]}"\n',
      "    s = '\\''\n",
      '    s = r"\\\\"\n',
      '# c0 comment "\n',
      "\n",
      "\t\n",
      'revision = "late"\n',
      "down_revision = 'late'\n",
      "if True:\n",
      "try:\n    pass\nexcept Exception:\n    pass\n",
      "x = 1 \\\n  + 2\n",
      "    y = $\n",
      '    z = "open\n',
      "    w = (\n",
      "    v = ]\n",
      "async def f():\n",
      "  \frevision = 'ff'\n",
      "define = 2\n",
      "@= 3\n",
      '    t = b"""x"""\n',
      "    u = '''a\n'''\n",
      "\\\nrevision = 'cont'\n",
      "    s = 'a\\\nb'\n",
    ];
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      let src = "";
      for (let j = rnd(5); j > 0; j--) src += header[rnd(header.length)]!;
      for (let j = rnd(9); j > 0; j--) src += body[rnd(body.length)]!;
      if (rnd(4) === 0) src = src.replace(/\n/g, "\r\n");
      if (check(src) >= 0) fast++;
    }
    // Both paths are exercised.
    expect(fast).toBeGreaterThan(300);
    expect(fast).toBeLessThan(2700);
  });
});

describe("loadProject through the fast path", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-fast-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("reads adversarial files as the full reader does, and a file that grew after the scan in full", () => {
    const files: Record<string, string> = {
      "a_plain.py": 'revision = "a"\ndown_revision = None\n' + BODY,
      "b_late.py": 'revision = "b0"\ndown_revision = "a"\n' + BODY + 'revision = "b"\n',
      "c_string.py": 'revision = "c"\ndown_revision = "b"\n\ndef upgrade():\n    op.execute("""\nrevision = "x"\n""")\n',
      "d_crlf.py": ('revision = "d"\ndown_revision = "c"\n' + BODY + 'if True:\n    down_revision = "b"\n').replace(/\n/g, "\r\n"),
      "e_broken.py": 'revision = "e"\ndown_revision = ("d"\n' + BODY,
    };
    const dir = path.join(tmp, "versions");
    fs.mkdirSync(dir);
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
    const scan = scanProject(dir);
    // Grows after the scan: the read must not stop at the size the scan saw.
    fs.appendFileSync(path.join(dir, "a_plain.py"), 'down_revision = "zz"\n');
    const project = loadProject(dir, { scan, cacheDir: false });
    const got = Object.fromEntries(project.scripts.map((s) => [path.basename(s.path), [s.revision, s.downRevisions]]));
    expect(got).toEqual({ "a_plain.py": ["a", ["zz"]], "b_late.py": ["b", ["a"]], "c_string.py": ["c", ["b"]], "d_crlf.py": ["d", ["b"]] });
    expect(project.problems.map((p) => [path.basename(p.path ?? ""), p.code])).toContainEqual(["e_broken.py", "syntax-error"]);
  });
});
