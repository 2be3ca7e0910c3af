/**
 * The reader's fast path for the header every Alembic template writes: a triple-quoted docstring,
 * plain `import`/`from` lines, comments, and `name[: annotation] = value` lines whose value is
 * None, a plain string or a one-line tuple/list of plain strings. It walks the characters once
 * and makes no tokens. Anything else — a backslash, a CR, an indented or bracketed continuation
 * line, a prefixed or implicitly concatenated string, a call, a `def` — answers `undefined`, and
 * the tokenizer (readMigrationFile's scanModule, the authority) reads the text instead. Where it
 * answers, it answers exactly what scanModule would: tests compare the two on every fixture and
 * on generated variants (scan-simple-header.test.ts). Pure.
 *
 * Why: on 5,000 migrations the tokenizer made ~60 token objects per header and cost 90–140 ms of
 * a cold `cairn graph` (half of it V8 warming up); this costs a few. The long runs — the docstring,
 * comments, import lines — are found with native searches (indexOf, one sticky regex) rather than
 * a loop per character: in a cold process most of this code runs before V8 has optimised it, and
 * there a character loop costs ~10× what it does once optimised (2026-11-28: −25–30 ms CPU).
 */
import type { PythonValue } from "@/lib/alembic/parse-python-literal";

export type HeaderAttr = "revision" | "down_revision" | "branch_labels" | "depends_on";

/** What scanModule collects from a module: the docstring and the last assignment to each attribute. */
export interface SimpleHeader {
  docstring?: string;
  assignments: Map<HeaderAttr, { val: PythonValue; line: number }>;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isTracked(w: string): w is HeaderAttr {
  return w === "revision" || w === "down_revision" || w === "branch_labels" || w === "depends_on";
}

/**
 * `[A-Za-z0-9_., \t]*` then an optional comment, to the line's end: the tokenizer's SIMPLE_REST
 * for import lines. (No CR can occur: scanSimpleHeader refuses any source holding one.)
 */
const SIMPLE_REST = /[A-Za-z0-9_., \t]*(?:#[^\n]*)?(?=\n|$(?![\s\S]))/y;

/** The index of the LF (or the end) after an import line's first word, or -1. */
function simpleRestEnd(src: string, p: number): number {
  SIMPLE_REST.lastIndex = p;
  return SIMPLE_REST.test(src) ? SIMPLE_REST.lastIndex : -1;
}

/** From a `#`, the index of the line's LF (or the end). */
function lineEnd(src: string, p: number): number {
  const lf = src.indexOf("\n", p);
  return lf < 0 ? src.length : lf;
}

/** Blanks, then an optional comment, then the line's end: the index of its LF (or the end), or -1. */
function restOfLine(src: string, p: number): number {
  const n = src.length;
  while (p < n && (src.charCodeAt(p) === SPACE || src.charCodeAt(p) === TAB)) p++;
  if (p === n || src.charCodeAt(p) === LF) return p;
  if (src.charCodeAt(p) === HASH) return lineEnd(src, p);
  return -1;
}

function skipBlanks(src: string, p: number): number {
  while (src.charCodeAt(p) === SPACE || src.charCodeAt(p) === TAB) p++;
  return p;
}

/** A one-line string literal without prefix or backslash at `p`: its value and end, or undefined. */
function plainString(src: string, p: number): { v: string; end: number } | undefined {
  const q = src.charCodeAt(p);
  if (q !== DQUOTE && q !== SQUOTE) return undefined;
  // `""` is an empty string, `"""` a triple-quoted one (left to the tokenizer).
  if (src.charCodeAt(p + 1) === q) return src.charCodeAt(p + 2) === q ? undefined : { v: "", end: p + 2 };
  const n = src.length;
  for (let i = p + 1; i < n; i++) {
    const c = src.charCodeAt(i);
    if (c === q) return { v: src.slice(p + 1, i), end: i + 1 };
    if (c === BACKSLASH || c === LF || c === CR) return undefined;
  }
  return undefined;
}

/** The value of `name = <value>` at `p`: None, a plain string, or a one-line tuple/list of plain strings. */
function simpleValue(src: string, p: number): { val: PythonValue; end: number } | undefined {
  const c = src.charCodeAt(p);
  if (c === 78 && src.startsWith("None", p) && !isIdentPart(src.charCodeAt(p + 4))) return { val: { k: "none" }, end: p + 4 };
  if (c === DQUOTE || c === SQUOTE) {
    const s = plainString(src, p);
    return s && { val: { k: "str", v: s.v }, end: s.end };
  }
  if (c !== 40 && c !== 91) return undefined;
  const close = c === 40 ? 41 : 93;
  const items: PythonValue[] = [];
  let comma = false;
  let i = skipBlanks(src, p + 1);
  while (src.charCodeAt(i) !== close) {
    const s = plainString(src, i);
    if (!s) return undefined;
    items.push({ k: "str", v: s.v });
    i = skipBlanks(src, s.end);
    if (src.charCodeAt(i) === 44) {
      comma = true;
      i = skipBlanks(src, i + 1);
    } else if (src.charCodeAt(i) !== close) return undefined;
  }
  // `("a")` is the string itself; `("a",)`, `()` and `["a"]` are sequences (as parsePythonLiteral).
  const val: PythonValue = close === 41 && !comma && items.length === 1 ? items[0]! : { k: "seq", items };
  return { val, end: i + 1 };
}

/** A type annotation made of names, dots, commas, `|` and balanced square brackets; the index after it. */
function annotationEnd(src: string, p: number): number {
  let depth = 0;
  const n = src.length;
  for (; p < n; p++) {
    const c = src.charCodeAt(p);
    if (isIdentPart(c) || c === 46 || c === 44 || c === SPACE || c === TAB || c === 124) continue;
    if (c === 91) depth++;
    else if (c === 93) {
      if (--depth < 0) return -1;
    } else return depth === 0 ? p : -1;
  }
  return -1;
}

/** The header's docstring and attribute assignments, or undefined when the tokenizer must read it. */
export function scanSimpleHeader(src: string): SimpleHeader | undefined {
  // A CR anywhere sends the header to the tokenizer: no line kind below accepts one, so checking
  // once here lets every later search look for LF alone.
  if (src.includes("\r")) return undefined;
  const n = src.length;
  const assignments: SimpleHeader["assignments"] = new Map();
  let docstring: string | undefined;
  let sawFirstStatement = false;
  let line = 1;
  let p = 0;
  while (p < n) {
    const c = src.charCodeAt(p);
    if (c === LF) {
      p++;
      line++;
      continue;
    }
    if (c === SPACE || c === TAB || c === HASH) {
      // A blank or comment-only line, at any indentation; any other indented line is not simple.
      p = restOfLine(src, p);
      if (p < 0) return undefined;
      continue;
    }
    if (c === DQUOTE || c === SQUOTE) {
      // Only the module docstring: the first statement, one triple-quoted literal on its own.
      if (sawFirstStatement || src.charCodeAt(p + 1) !== c || src.charCodeAt(p + 2) !== c) return undefined;
      sawFirstStatement = true;
      const bodyStart = p + 3;
      // The first closing triple quote ends it; a backslash before that is left to the tokenizer.
      const i = src.indexOf(c === DQUOTE ? '"""' : "'''", bodyStart);
      if (i < 0) return undefined;
      const bs = src.indexOf("\\", bodyStart);
      if (bs >= 0 && bs < i) return undefined;
      for (let lf = src.indexOf("\n", bodyStart); lf >= 0 && lf < i; lf = src.indexOf("\n", lf + 1)) line++;
      docstring = src.slice(bodyStart, i);
      p = restOfLine(src, i + 3);
      if (p < 0) return undefined;
      continue;
    }
    if (!isIdentStart(c)) return undefined;
    let e = p + 1;
    while (isIdentPart(src.charCodeAt(e))) e++;
    const word = src.slice(p, e);
    sawFirstStatement = true;
    if (word === "import" || word === "from") {
      const d = src.charCodeAt(e);
      if (d !== SPACE && d !== TAB) return undefined;
      p = simpleRestEnd(src, e);
      if (p < 0) return undefined;
      continue;
    }
    // name[: annotation] = value
    let i = skipBlanks(src, e);
    if (src.charCodeAt(i) === 58) {
      if (src.charCodeAt(i + 1) === 61) return undefined; // `:=`
      i = annotationEnd(src, i + 1);
      if (i < 0) return undefined;
    }
    if (src.charCodeAt(i) !== 61 || src.charCodeAt(i + 1) === 61) return undefined;
    const value = simpleValue(src, skipBlanks(src, i + 1));
    if (!value) return undefined;
    const next = restOfLine(src, value.end);
    if (next < 0) return undefined;
    if (isTracked(word)) assignments.set(word, { val: value.val, line });
    p = next;
  }
  return docstring === undefined ? { assignments } : { docstring, assignments };
}
