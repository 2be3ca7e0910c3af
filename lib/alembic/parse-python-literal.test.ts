import { describe, expect, it } from "vitest";
import { describePythonValue, parsePythonLiteral, resolveConstants, unresolvedParts, type PythonValue } from "@/lib/alembic/parse-python-literal";
import { tokenizePython } from "@/lib/alembic/tokenize-python";

/** The value of one expression, as the reader parses the right-hand side of an assignment. */
const parse = (expr: string): PythonValue => {
  const toks = tokenizePython(`${expr}\n`).filter((t) => t.type !== "newline" && t.type !== "end");
  return parsePythonLiteral(toks, 0, toks.length);
};
const str = (v: string): PythonValue => ({ k: "str", v });

describe("parsePythonLiteral", () => {
  it("reads strings, None and sequences as Python evaluates them", () => {
    expect(parse('"a"')).toEqual(str("a"));
    expect(parse("'a' \"b\"")).toEqual(str("ab"));
    expect(parse("None")).toEqual({ k: "none" });
    expect(parse('("a")')).toEqual(str("a"));
    expect(parse('("a",)')).toEqual({ k: "seq", items: [str("a")] });
    expect(parse('"a", "b"')).toEqual({ k: "seq", items: [str("a"), str("b")] });
    expect(parse('["a", ("b", None)]')).toEqual({ k: "seq", items: [str("a"), { k: "seq", items: [str("b"), { k: "none" }] }] });
    expect(parse("()")).toEqual({ k: "seq", items: [] });
    expect(parse("[]")).toEqual({ k: "seq", items: [] });
  });

  it("keeps other literals and dotted names as what they are", () => {
    expect(parse("True")).toEqual({ k: "other", desc: "True" });
    expect(parse("-3")).toEqual({ k: "other", desc: "the number -3" });
    expect(parse('b"x"')).toEqual({ k: "other", desc: "a bytes literal" });
    expect(parse("cli.EXPAND_BRANCH")).toEqual({ k: "ref", name: "cli.EXPAND_BRANCH" });
  });

  it("names what is computed instead of guessing a value", () => {
    expect(parse('f"{x}"')).toEqual({ k: "expr", desc: "an f-string" });
    expect(parse("make_id()")).toEqual({ k: "expr", desc: "a call to make_id()" });
    expect(parse('"a" + "b"')).toEqual({ k: "expr", desc: "a computed expression" });
    expect(parse('("a" x)')).toEqual({ k: "expr", desc: "a computed expression" });
    // A computed item stops the parse: at top level it is one item, inside brackets the whole value.
    expect(parse('"a", x.y()')).toEqual({ k: "seq", items: [str("a"), { k: "expr", desc: "a call to x.y()" }] });
    expect(parse('("a", x.y())')).toEqual({ k: "expr", desc: "a computed expression" });
  });

  it("reads only tokens[start..end)", () => {
    const toks = tokenizePython('x = "a", "b"; y = 1\n');
    const eq = toks.findIndex((t) => t.value === "=");
    const semi = toks.findIndex((t) => t.value === ";");
    expect(parsePythonLiteral(toks, eq + 1, semi)).toEqual({ k: "seq", items: [str("a"), str("b")] });
    // A range that closes a bracket it did not open is not one expression.
    const inner = tokenizePython('("a")\n');
    expect(parsePythonLiteral(inner, 1, 3)).toEqual({ k: "expr", desc: "an expression" });
  });
});

describe("resolveConstants", () => {
  const constants = { "cli.ONE": "r1", "cli.MANY": ["r2", "r3"], "cli.NONE": null };

  it("replaces names the table knows, spreading a list inside a sequence", () => {
    expect(resolveConstants(parse("cli.ONE"), constants)).toEqual(str("r1"));
    expect(resolveConstants(parse("cli.NONE"), constants)).toEqual({ k: "none" });
    expect(resolveConstants(parse("cli.MANY"), constants)).toEqual({ k: "seq", items: [str("r2"), str("r3")] });
    expect(resolveConstants(parse('("r0", cli.MANY, cli.ONE)'), constants)).toEqual({ k: "seq", items: [str("r0"), str("r2"), str("r3"), str("r1")] });
  });

  it("leaves unknown names, and names only the table's own keys (not Object.prototype's)", () => {
    expect(resolveConstants(parse("cli.OTHER"), constants)).toEqual({ k: "ref", name: "cli.OTHER" });
    expect(resolveConstants(parse("toString"), {})).toEqual({ k: "ref", name: "toString" });
    expect(resolveConstants(parse("cli.ONE"), undefined)).toEqual({ k: "ref", name: "cli.ONE" });
  });
});

describe("unresolvedParts and describePythonValue", () => {
  it("list what keeps a value unknown, in order", () => {
    expect(unresolvedParts(parse('("a", cli.X, f"{y}", None)'))).toEqual(["cli.X", "an f-string"]);
    expect(unresolvedParts(parse('("a", None)'))).toEqual([]);
  });

  it("spell values as Python would", () => {
    expect(describePythonValue(parse('("a",)'))).toBe('("a",)');
    expect(describePythonValue(parse('("a", None, True, cli.X)'))).toBe('("a", None, True, cli.X)');
    expect(describePythonValue(parse("()"))).toBe("()");
    expect(describePythonValue(parse("make()"))).toBe("a call to make()");
  });
});
