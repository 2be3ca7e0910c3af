/**
 * A small SQL tokenizer for SQLite DDL. SQLite keeps each CREATE statement as typed, so CHECK
 * constraints, generated columns, index expressions and view bodies are only found in that text; a
 * tokenizer copes with quotes, comments and nested brackets where regular expressions do not, and
 * re-rendering the tokens gives one spelling whatever the whitespace, comments or keyword case.
 */
export type SqlTokenKind = "word" | "ident" | "string" | "number" | "punct" | "op";

export interface SqlToken {
  kind: SqlTokenKind;
  /** The source text ("word" as typed, "ident" without its quotes). */
  text: string;
}

const KEYWORDS = new Set(
  (
    "ABORT ACTION ADD ALL ALWAYS AND AS ASC AUTOINCREMENT BETWEEN BY CASCADE CASE CAST CHECK COLLATE CONFLICT CONSTRAINT " +
    "CREATE CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DEFAULT DEFERRABLE DEFERRED DELETE DESC DISTINCT ELSE END ESCAPE " +
    "EXCEPT EXISTS FAIL FALSE FIRST FOREIGN FROM FULL GENERATED GLOB GROUP HAVING IF IGNORE IMMEDIATE IN INDEX INITIALLY INNER " +
    "INTERSECT IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH NATURAL NO NOT NOTNULL NULL NULLS OFFSET ON OR ORDER OUTER PRIMARY " +
    "REFERENCES REGEXP REPLACE RESTRICT RIGHT ROLLBACK ROWID SELECT SET STORED STRICT TABLE TEMP TEMPORARY THEN TRUE UNION UNIQUE " +
    "UPDATE USING VALUES VIEW VIRTUAL WHEN WHERE WITH WITHOUT"
  ).split(" "),
);

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toUpperCase());
}

const OPERATORS = ["->>", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->"];

export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 2;
    } else if (ch === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= n) break;
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      out.push({ kind: "string", text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (ch === '"' || ch === "`" || ch === "[") {
      const close = ch === "[" ? "]" : ch;
      let j = i + 1;
      let value = "";
      while (j < n) {
        if (sql[j] === close) {
          if (close !== "]" && sql[j + 1] === close) {
            value += close;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      out.push({ kind: "ident", text: value });
      i = j + 1;
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const m = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.)/.exec(sql.slice(i));
      const text = m ? m[0] : ch;
      out.push({ kind: "number", text });
      i += text.length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      out.push({ kind: "word", text: sql.slice(i, j) });
      i = j;
    } else if (ch === "(" || ch === ")" || ch === "," || ch === ";" || ch === ".") {
      out.push({ kind: "punct", text: ch });
      i++;
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i)) ?? ch;
      out.push({ kind: "op", text: op });
      i += op.length;
    }
  }
  return out;
}

/** True for a bare word (not a quoted identifier) equal, ignoring case, to `word`. */
export function isWord(t: SqlToken | undefined, word: string): boolean {
  return t !== undefined && t.kind === "word" && t.text.toUpperCase() === word;
}

/** Name of an identifier token: a bare word or a quoted identifier (or a string, which SQLite accepts). */
export function identValue(t: SqlToken): string {
  return t.kind === "string" ? t.text.slice(1, -1).replace(/''/g, "'") : t.text;
}

/** Index of the bracket closing the one at `open`, or -1. */
export function matchingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (t.text === "(") depth++;
    else if (t.text === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits at commas outside brackets. */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const parts: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (depth === 0 && t.kind === "punct" && t.text === ",") {
      parts.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function renderToken(t: SqlToken): string {
  if (t.kind === "word") return isKeyword(t.text) ? t.text.toUpperCase() : t.text;
  if (t.kind === "ident") return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(t.text) && !isKeyword(t.text) ? t.text : `"${t.text.replace(/"/g, '""')}"`;
  return t.text;
}

/** One canonical spelling: keywords upper case, identifiers unquoted where possible, fixed spacing. */
export function renderSql(tokens: readonly SqlToken[]): string {
  let out = "";
  let prev: SqlToken | undefined;
  for (const t of tokens) {
    const text = renderToken(t);
    if (prev !== undefined) {
      const noSpace =
        (prev.kind === "punct" && (prev.text === "(" || prev.text === ".")) ||
        (t.kind === "punct" && (t.text === ")" || t.text === "," || t.text === "." || t.text === ";")) ||
        // A function call: name(args). Keywords before a bracket keep their space: IN (…), CHECK (…).
        (t.kind === "punct" && t.text === "(" && (prev.kind === "ident" || (prev.kind === "word" && !isKeyword(prev.text))));
      if (!noSpace) out += " ";
    }
    out += text;
    prev = t;
  }
  return out;
}
