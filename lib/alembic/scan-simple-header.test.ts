import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { moduleHeaderEnd } from "@/lib/alembic/read-migration-bytes";
import { decodePythonSource, readMigrationFile, scanModuleAssignments } from "@/lib/alembic/read-migration-file";
import { scanSimpleHeader } from "@/lib/alembic/scan-simple-header";

/** Where scanSimpleHeader answers, it must answer what the tokenizer path does; returns whether it answered. */
function agrees(src: string): boolean {
  const fast = scanSimpleHeader(src);
  if (!fast) return false;
  let slow: ReturnType<typeof scanModuleAssignments>;
  try {
    slow = scanModuleAssignments(src);
  } catch (e) {
    throw new Error(`the fast path read a header the tokenizer refuses (${(e as Error).message}):\n${src}`);
  }
  expect({ src, ...fast, assignments: [...fast.assignments] }).toEqual({ src, ...slow, assignments: [...slow.assignments] });
  return true;
}

const ALEMBIC_1_8 = `"""add table

Revision ID: 3f1c9a7e2b10
Revises: 0f7e6d5c4b3a
Create Date: 2024-05-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1c9a7e2b10'
down_revision = '0f7e6d5c4b3a'
branch_labels = None
depends_on = None


`;

const ALEMBIC_1_13 = `"""merge

Revision ID: d2f4a6b8c0b4
Revises: aaa, bbb
Create Date: 2024-05-01 12:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "d2f4a6b8c0b4"
down_revision: Union[str, Sequence[str], None] = ("aaa", "bbb")
branch_labels: Union[str, Sequence[str], None] = ["feature"]
depends_on: str | Sequence[str] | None = ('x1',)


`;

describe("scanSimpleHeader", () => {
  it("reads the headers Alembic's templates write, as the tokenizer does", () => {
    expect(agrees(ALEMBIC_1_8)).toBe(true);
    expect(agrees(ALEMBIC_1_13)).toBe(true);
    const h = scanSimpleHeader(ALEMBIC_1_13)!;
    expect(h.assignments.get("down_revision")).toEqual({
      val: {
        k: "seq",
        items: [
          { k: "str", v: "aaa" },
          { k: "str", v: "bbb" },
        ],
      },
      line: 16,
    });
    expect(h.docstring?.startsWith("merge\n")).toBe(true);
  });

  it("answers for every header in the examples and test fixtures, or leaves it to the tokenizer", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== "node_modules") walk(path.join(dir, e.name));
        else if (e.name.endsWith(".py")) files.push(path.join(dir, e.name));
      }
    };
    walk("examples");
    walk("tests");
    let answered = 0;
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const end = moduleHeaderEnd(bytes);
      const src = decodePythonSource(end < 0 ? bytes : bytes.subarray(0, end));
      if (agrees(src)) answered++;
      // And readMigrationFile, which now takes the fast path where it can, still reads the whole file alike.
      expect(readMigrationFile(decodePythonSource(bytes), f)).toEqual(readMigrationFile(src + (end < 0 ? "" : decodePythonSource(bytes.subarray(end))), f));
    }
    expect(files.length).toBeGreaterThan(20);
    expect(answered).toBeGreaterThan(files.length / 3);
  });

  it("leaves anything unusual to the tokenizer", () => {
    const unsure = [
      'revision = "a" \\\n  "b"\n',
      'revision = ("a",\n  "b")\n',
      'revision = u"a"\n',
      'revision = "a" "b"\n',
      'revision = "a"; down_revision = None\n',
      'revision := "a"\n',
      'revision += "a"\n',
      'revision = down_revision = "a"\n',
      'revision, down_revision = "a", None\n',
      '  revision = "a"\n',
      'if True:\n    revision = "a"\n',
      'revision = "a"\r\ndown_revision = None\r\n',
      '"""doc\\"""\nrevision = "a"\n',
      'import os\n"""not a docstring"""\n',
      'revision = f"{x}"\n',
      'revision = "a" if x else "b"\n',
      "revision = 'a\\'b'\n",
      "from x import (a,\n  b)\n",
      "revision: str\n",
      'revision = ("a", None)\n',
      "revision = X.Y\n",
      "def upgrade():\n    pass\n",
      "@dec\ndef f():\n  pass\n",
      'réVision = "a"\n',
      '"""unterminated\n',
      'revision = "unterminated\n',
    ];
    for (const src of unsure) expect(scanSimpleHeader(src), src).toBeUndefined();
  });

  it("agrees with the tokenizer on thousands of generated headers", () => {
    // A fixed-seed generator: each header is a random sequence of lines, simple and not.
    let seed = 15;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const names = ["revision", "down_revision", "branch_labels", "depends_on", "other", "None_", "match", "print"];
    const annotations = ["", ": str", ": Union[str, Sequence[str], None]", ":str", ": str | None", ": list[str]", ": Optional[ str ]"];
    const values = ['"a1"', "'b2'", '""', "None", '("a", "b")', "('a',)", '["x"]', "[]", "()", '( "a" )', '("a", "b",)', '[ "a" , "b" ]', "Nonesuch", '"é ü"', '"#not a comment"', "'\"'", '"a" # c'];
    const docs = ['"""Title\n\nRevision ID: a1\nRevises: p0\n"""', "'''single quotes'''", '""""quoted" title"""', '"""one line"""', '"""x""" # trailing', '""""""'];
    const lines = [
      () => `${pick(names)}${pick(annotations)} = ${pick(values)}`,
      () => `${pick(names)}${pick(annotations)}=${pick(values)}`,
      () => pick(["import os", "from alembic import op", "import sqlalchemy as sa", "from typing import Sequence, Union", "from . import x", "import a.b.c  # why"]),
      () => pick(["", "   ", "# revision identifiers, used by Alembic.", "    # indented comment", "\t"]),
      () =>
        pick(['revision = "a" "b"', "x = 1", "print('x')", "  revision = 'indented'", "revision = ('a',\n 'b')", "if x:\n    revision = 'c'", "revision += 'z'", "revision := 'w'", '"""late string"""', "def upgrade():\n    pass"]),
    ];
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      const parts: string[] = [];
      if (rnd(4) > 0) parts.push(pick(docs));
      const count = rnd(9);
      for (let j = 0; j < count; j++) parts.push(pick(lines.slice(0, rnd(8) === 0 ? 5 : 4))());
      const src = parts.join("\n") + pick(["", "\n", "\n\n"]);
      if (agrees(src)) answered++;
    }
    expect(answered).toBeGreaterThan(1000);
  });
});
