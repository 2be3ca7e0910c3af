import { describe, expect, it } from "vitest";
import { readMigrationFile } from "@/lib/alembic/read-migration-file";
import { tokenizePython, PythonSyntaxError } from "@/lib/alembic/tokenize-python";

const read = (src: string, constants?: Record<string, string | string[] | null>, name = "/v/x.py") => readMigrationFile(src, name, constants ? { constants } : {});
const ids = (src: string) => {
  const r = read(src);
  const s = r.script;
  return s ? { rev: s.revision, down: s.downRevisions, labels: s.branchLabels, deps: s.dependsOn } : { problems: r.problems.map((p) => p.code) };
};

describe("tokenizePython", () => {
  it("handles prefixes, triple quotes, escapes, raw strings, f-strings, continuation, CR/CRLF and BOM", () => {
    const toks = tokenizePython('\ufeffa = rb"x\\"" + Rb\'y\' + u"\\x41\\n" + f"{d["k"]:>{w}}" + """t\r\nq"""\r\nb = (1,\r  2) \\\n  + 3\n');
    const strings = toks.filter((t) => t.type === "string").map((t) => [t.stringKind, t.value]);
    expect(strings).toEqual([
      ["bytes", 'x\\"'],
      ["bytes", "y"],
      ["str", "A\n"],
      ["fstring", '{d["k"]:>{w}}'],
      ["str", "t\nq"],
    ]);
    expect(toks.filter((t) => t.type === "newline").map((t) => t.line)).toEqual([2, 5]);
    const b = toks.find((t) => t.value === "b")!;
    expect([b.line, b.indent]).toEqual([3, 0]);
  });
  it("raises syntax errors with their line", () => {
    const err = (src: string) => {
      try {
        tokenizePython(src);
      } catch (e) {
        return e instanceof PythonSyntaxError ? [e.line, e.message] : e;
      }
      return "no error";
    };
    expect(err('x = 1\ny = "abc\n')).toEqual([2, "unterminated string literal"]);
    expect(err('x = """abc\n\n')).toEqual([1, "unterminated triple-quoted string literal"]);
    expect(err("x = (1,\n[2)\n")).toEqual([2, "closing parenthesis ')' does not match opening parenthesis '[' on line 2"]);
    expect(err("x = (1,\n2\n")).toEqual([1, "'(' was never closed"]);
  });
});

describe("readMigrationFile", () => {
  it("reads every literal spelling Alembic accepts", () => {
    expect(ids("revision = 'a'\ndown_revision = None\n")).toEqual({ rev: "a", down: [], labels: [], deps: [] });
    expect(ids('revision = "ab" "cd"\ndown_revision = ("p",)\n')).toMatchObject({ rev: "abcd", down: ["p"] });
    expect(ids('revision = ("a")\ndown_revision = ["p", \'q\']\n')).toMatchObject({ rev: "a", down: ["p", "q"] });
    expect(ids('revision: str = "a"\ndown_revision: Union[str, Sequence[str], None] = (\n  "p",  # c\n  "q",\n  "r",\n  "s",\n)\n')).toMatchObject({ down: ["p", "q", "r", "s"] });
    expect(ids('revision: str = "a"\ndown_revision: str | Sequence[str] | None = "p"\ndepends_on: str | None\n')).toMatchObject({ down: ["p"], deps: [] });
    expect(ids('revision, down_revision = "0029", "0028"\n')).toMatchObject({ rev: "0029", down: ["0028"] });
    expect(ids('(revision, down_revision) = ("0029", None)\n')).toMatchObject({ rev: "0029", down: [] });
    expect(ids('revision = "a"; down_revision = "b"\nbranch_labels = depends_on = None\n')).toMatchObject({ rev: "a", down: ["b"], labels: [], deps: [] });
    expect(ids('revision = "old"\nrevision = "new"\ndown_revision = ()\nbranch_labels = "lbl"\ndepends_on = ["x", "y"]\n')).toEqual({ rev: "new", down: [], labels: ["lbl"], deps: ["x", "y"] });
    expect(ids('revision = "a"\ndown_revision = ""\nbranch_labels = ""\ndepends_on = ""\n')).toEqual({ rev: "a", down: [], labels: [], deps: [] });
    expect(ids('revision = "ä_long_id_with_ünïcode_0123456789abcdef"\ndown_revision = []\n')).toMatchObject({ rev: "ä_long_id_with_ünïcode_0123456789abcdef" });
  });

  it("ignores look-alikes in docstrings, comments, strings and function bodies", () => {
    const src =
      '"""Title\n\nrevision = "doc"\n"""\n# revision = "comment"\nx = """\nrevision = "str"\n"""\nrevision = "real"  # trailing\ndown_revision = None\n\n@decorator\ndef upgrade():\n    revision = "fn"\n    down_revision = (\n"weird")\n\nclass K:\n    revision = "cls"\n';
    expect(ids(src)).toMatchObject({ rev: "real", down: [] });
    expect(read(src).script!.message).toBe("Title");
  });

  it("reads CRLF and CR files", () => {
    expect(ids('"""Doc\r\n\r\nmore"""\r\nrevision = "a"\r\ndown_revision = (\r\n  "b",\r\n)\r\n')).toMatchObject({ rev: "a", down: ["b"] });
    expect(ids('revision = "a"\rdown_revision = "b"\r')).toMatchObject({ rev: "a", down: ["b"] });
    expect(read('"""Doc\r\n\r\nmore"""\r\nrevision = "a"\r\ndown_revision = None\r\n').script!.message).toBe("Doc");
  });

  it("computes message and create date like Script.doc, and warns when the docstring header contradicts the code", () => {
    const r = read('"""\n  Add users table\n  second line\n\nRevision ID: zzz\nRevises: p\nCreate Date: 2024-01-02 03:04:05.123\n\n"""\nrevision = "a"\ndown_revision = "p"\n');
    expect(r.script!.message).toBe("Add users table\n  second line");
    expect(r.script!.createDate).toBe("2024-01-02 03:04:05.123");
    expect(r.problems.map((p) => [p.code, p.severity, p.line])).toEqual([["docstring-mismatch", "warning", 10]]);
    expect(read('b"""bytes"""\nrevision = "a"\ndown_revision = None\n').script!.message).toBe("");
    expect(read('"""Revision ID: a\nRevises: \n"""\nrevision = "a"\ndown_revision = None\n').problems).toEqual([]);
  });

  it("compares the docstring's Revises with down_revision by value, whatever spelling the template used", () => {
    // Alembic 1.x writes "Revises: a, b"; older templates wrote the tuple's repr, with or without u'' prefixes.
    const merge = (revises: string) => read(`"""merge\n\nRevision ID: m1\nRevises: ${revises}\n"""\nrevision = "m1"\ndown_revision = ('1c7441698fae', 'd7157fcb6e5d')\n`).problems;
    for (const spelling of ["('1c7441698fae', 'd7157fcb6e5d')", "1c7441698fae, d7157fcb6e5d", "(u'1c7441698fae', u'd7157fcb6e5d')", '["d7157fcb6e5d", "1c7441698fae"]']) expect(merge(spelling), spelling).toEqual([]);
    expect(read(`"""x\n\nRevises: ('p',)\n"""\nrevision = "a"\ndown_revision = "p"\n`).problems).toEqual([]);
    // A real contradiction still warns, in any spelling.
    expect(merge("('1c7441698fae', 'ffffffffffff')").map((p) => p.code)).toEqual(["docstring-mismatch"]);
    expect(merge("('1c7441698fae',)").map((p) => p.code)).toEqual(["docstring-mismatch"]);
  });

  it("reports non-literal values with their line and resolves them through constants", () => {
    const src = 'import cli\nrevision = "a"\ndown_revision = None\nbranch_labels = (cli.EXPAND_BRANCH,)\ndepends_on = DEPS\n';
    const r = read(src);
    expect(r.problems.map((p) => [p.code, p.severity, p.line])).toEqual([
      ["non-literal-value", "error", 4],
      ["non-literal-value", "error", 5],
    ]);
    expect(r.problems[0]!.message).toContain('"cli.EXPAND_BRANCH"');
    expect(r.script!.branchLabels).toEqual([]);
    const ok = read(src, { "cli.EXPAND_BRANCH": "expand", DEPS: ["x", "y"] });
    expect(ok.problems).toEqual([]);
    expect(ok.script).toMatchObject({ branchLabels: ["expand"], dependsOn: ["x", "y"] });
    expect(read('revision = "a"\ndown_revision = f"{x}"\n').problems.map((p) => p.code)).toEqual(["non-literal-value"]);
    expect(read("revision = make_id()\ndown_revision = None\n").script).toBeUndefined();
  });

  it("reports conditional assignments, assuming the first branch", () => {
    const src = 'revision = "a"\ndown_revision = None\ntry:\n    import cli\n    depends_on = "x"\nexcept ImportError:\n    depends_on = None\n';
    const r = read(src);
    expect(r.script!.dependsOn).toEqual(["x"]);
    expect(r.problems.map((p) => [p.code, p.severity, p.line])).toEqual([["conditional-assignment", "warning", 5]]);
    expect(read('revision = "a"\nif X: down_revision = "b"\nelse: down_revision = "c"\n').script!.downRevisions).toEqual(["b"]);
  });

  it("replicates Alembic's failures as problems", () => {
    expect(ids('revision = "a"\n')).toEqual({ problems: ["missing-down-revision"] });
    expect(ids("down_revision = None\n")).toEqual({ problems: ["missing-revision"] });
    expect(readMigrationFile("down_revision = None\n", "/v/abc123.py").script!.revision).toBe("abc123");
    expect(ids('revision = "a-b"\ndown_revision = None\n')).toEqual({ problems: ["illegal-revision-id"] });
    expect(ids("revision = 12\ndown_revision = None\n")).toEqual({ problems: ["invalid-revision"] });
    expect(ids('revision = "a"\ndown_revision = 5\n')).toEqual({ problems: ["invalid-down-revision"] });
    expect(read('revision = "a"\ndown_revision = ("",)\n').problems.map((p) => p.code)).toEqual(["empty-revision-id"]);
  });

  it("reports syntax errors with their line and skips the file", () => {
    const r = read('revision = "a"\ndown_revision = None\ndef upgrade():\n    op.execute("unterminated)\n');
    expect(r.script).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([["syntax-error", 4]]);
    expect(read('revision = ("a"\ndown_revision = None\n').problems.map((p) => [p.code, p.line])).toEqual([["syntax-error", 1]]);
  });

  it("skips function bodies unread yet fails on the same lexical errors, at the same line, as tokenizing them", () => {
    const bodies = [
      '    op.execute("unterminated)\n',
      "    x = (1,\n        2\n",
      "    y = [1, 2)\n",
      "    z = 1 ]\n",
      "    cost = $5\n",
      "    a = 1 \\ b\n",
      '    s = """\n  revision = "no"\n  """\n    t = f"{x["k"]!r:>{w}}" + rb\'\\\'\' + Rb"x"\n',
      "    if x:\n        return (\n            1)\n\n  # dedented comment\n    pass\n",
      '    sql = "a" \\\n        "b"\n    q = f\'\'\'\n{ {"a": 1}["a"] }\n\'\'\'\n',
      "    return\n",
    ];
    for (const body of bodies) {
      const src = `"""doc"""\ndef upgrade():\n${body}revision = "r1"\ndown_revision = None\n`;
      let expected: [string, number] | undefined;
      try {
        tokenizePython(src);
      } catch (e) {
        expected = ["syntax-error", (e as PythonSyntaxError).line];
      }
      const r = read(src);
      if (expected)
        expect(
          r.problems.map((p) => [p.code, p.line]),
          body,
        ).toEqual([expected]);
      else {
        expect(r.problems, body).toEqual([]);
        expect(r.script?.revision, body).toBe("r1");
        // Lines after a skipped body are still counted right.
        expect(r.script?.lines.revision, body).toBe(src.split("\n").indexOf('revision = "r1"') + 1);
      }
    }
  });
});
