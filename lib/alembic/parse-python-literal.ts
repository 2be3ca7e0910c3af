/**
 * The literal expressions a migration assigns to revision, down_revision, branch_labels and
 * depends_on, read from the tokenizer's tokens without running Python: strings (implicitly
 * concatenated), None, tuples and lists of them, and dotted names a constants table can stand for.
 * Anything computed (a call, an operator, an f-string) becomes an `expr` naming what it is, so the
 * reader can say why it cannot know the value. Pure: no framework imports.
 */
import type { Token } from "@/lib/alembic/tokenize-python";

/** Values for non-literal expressions, keyed by the dotted name as written (`"cli.EXPAND_BRANCH"`). */
export type ConstantsTable = Record<string, string | string[] | null>;

/** A statically evaluated Python expression. */
export type PythonValue = { k: "str"; v: string } | { k: "none" } | { k: "seq"; items: PythonValue[] } | { k: "other"; desc: string } | { k: "ref"; name: string } | { k: "expr"; desc: string };

/** How a value reads in a message: Python's spelling for literals, the name or description otherwise. */
export function describePythonValue(v: PythonValue): string {
  switch (v.k) {
    case "str":
      return JSON.stringify(v.v);
    case "none":
      return "None";
    case "seq":
      return v.items.length === 1 ? `(${describePythonValue(v.items[0]!)},)` : `(${v.items.map(describePythonValue).join(", ")})`;
    case "other":
      return v.desc;
    case "ref":
      return v.name;
    case "expr":
      return v.desc;
  }
}

/** Parses an expression from tokens[i..end); returns the value and whether it consumed all of it. */
class ExprParser {
  constructor(
    private readonly toks: Token[],
    private i: number,
    private readonly end: number,
  ) {}

  parseAll(): PythonValue {
    const r = this.parseSeq();
    if (this.i !== this.end) return { k: "expr", desc: "an expression" };
    return r.comma || r.items.length !== 1 ? { k: "seq", items: r.items } : r.items[0]!;
  }

  /** Comma-separated items up to a closing bracket or the end; `comma` when a top-level comma appeared. */
  private parseSeq(): { items: PythonValue[]; comma: boolean } {
    const items: PythonValue[] = [];
    let comma = false;
    while (this.i < this.end) {
      const t = this.toks[this.i]!;
      if (t.type === "op" && (t.value === ")" || t.value === "]")) break;
      items.push(this.parseAtom());
      if (this.isOp(",")) {
        comma = true;
        this.i++;
        continue;
      }
      break;
    }
    return { items, comma };
  }

  private parseAtom(): PythonValue {
    const t = this.toks[this.i];
    if (!t) return { k: "expr", desc: "nothing" };
    if (t.type === "string") {
      let text = "";
      let kind: "str" | "bytes" | "fstring" = "str";
      while (this.i < this.end && this.toks[this.i]!.type === "string") {
        const s = this.toks[this.i]!;
        if (s.stringKind === "fstring") kind = "fstring";
        else if (s.stringKind === "bytes" && kind === "str") kind = "bytes";
        text += s.value;
        this.i++;
      }
      const v: PythonValue = kind === "str" ? { k: "str", v: text } : kind === "bytes" ? { k: "other", desc: "a bytes literal" } : { k: "expr", desc: "an f-string" };
      return this.trailer(v);
    }
    if (t.type === "number") {
      this.i++;
      return this.trailer({ k: "other", desc: `the number ${t.value}` });
    }
    if (t.type === "name") {
      this.i++;
      if (t.value === "None") return this.trailer({ k: "none" });
      if (t.value === "True" || t.value === "False") return this.trailer({ k: "other", desc: t.value });
      let name = t.value;
      while (this.isOp(".") && this.toks[this.i + 1]?.type === "name") {
        name += "." + this.toks[this.i + 1]!.value;
        this.i += 2;
      }
      return this.trailer({ k: "ref", name });
    }
    if (t.type === "op" && (t.value === "(" || t.value === "[")) {
      const close = t.value === "(" ? ")" : "]";
      this.i++;
      if (this.isOp(close)) {
        this.i++;
        return this.trailer({ k: "seq", items: [] });
      }
      const r = this.parseSeq();
      if (!this.isOp(close)) return this.bail();
      this.i++;
      // `("a")` is the string itself; `("a",)` and `["a"]` are sequences.
      if (close === ")" && !r.comma && r.items.length === 1) return this.trailer(r.items[0]!);
      return this.trailer({ k: "seq", items: r.items });
    }
    if (t.type === "op" && t.value === "-" && this.toks[this.i + 1]?.type === "number") {
      this.i += 2;
      return this.trailer({ k: "other", desc: `the number -${this.toks[this.i - 1]!.value}` });
    }
    return this.bail();
  }

  /** Anything after an atom other than `,` or a closing bracket makes it a computed expression. */
  private trailer(v: PythonValue): PythonValue {
    const t = this.toks[this.i];
    if (this.i >= this.end || !t) return v;
    if (t.type === "op" && (t.value === "," || t.value === ")" || t.value === "]")) return v;
    return this.bail(v.k === "ref" && t.type === "op" && t.value === "(" ? `a call to ${v.name}()` : undefined);
  }

  private bail(desc = "a computed expression"): PythonValue {
    this.i = this.end;
    return { k: "expr", desc };
  }

  private isOp(v: string): boolean {
    const t = this.toks[this.i];
    return this.i < this.end && !!t && t.type === "op" && t.value === v;
  }
}

/** The expression in tokens[start..end): a literal, a dotted name, or an `expr` when anything is computed. */
export function parsePythonLiteral(toks: Token[], start: number, end: number): PythonValue {
  return new ExprParser(toks, start, end).parseAll();
}

/** Replace dotted names with their constants; anything unresolved stays a ref/expr. */
export function resolveConstants(v: PythonValue, constants: ConstantsTable | undefined): PythonValue {
  if (v.k === "ref") {
    if (constants && Object.prototype.hasOwnProperty.call(constants, v.name)) {
      const c = constants[v.name];
      if (c === null || c === undefined) return { k: "none" };
      if (typeof c === "string") return { k: "str", v: c };
      return { k: "seq", items: c.map((s) => ({ k: "str", v: s }) as PythonValue) };
    }
    return v;
  }
  if (v.k === "seq") {
    const items: PythonValue[] = [];
    for (const it of v.items) {
      const r = resolveConstants(it, constants);
      // A constant standing for several ids inside a tuple contributes them all.
      if (it.k === "ref" && r.k === "seq") items.push(...r.items);
      else items.push(r);
    }
    return { k: "seq", items };
  }
  return v;
}

/** What keeps a value from being known: the unresolved names and computed parts, in order. */
export function unresolvedParts(v: PythonValue): string[] {
  if (v.k === "ref" || v.k === "expr") return [v.k === "ref" ? v.name : v.desc];
  if (v.k === "seq") return v.items.flatMap(unresolvedParts);
  return [];
}
