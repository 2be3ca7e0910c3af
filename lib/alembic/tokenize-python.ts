/**
 * A Python tokenizer: a character scanner following the lexical rules of the Python reference
 * (2. Lexical analysis). It exists so the static reader never guesses with line-oriented regular
 * expressions: a `revision = "x"` inside a docstring, a comment or a string is never an assignment.
 *
 * It is pull-based (`next()`), so callers can skip whole function bodies without keeping tokens.
 * Pure: no framework imports.
 */

export type TokenType = "name" | "number" | "string" | "op" | "newline" | "end";

/** What a string literal evaluates to: text, bytes (not a str), or an f-string (not a literal). */
export type StringKind = "str" | "bytes" | "fstring";

export interface Token {
  type: TokenType;
  /** Source text for names, numbers and operators; the decoded value for plain string literals. */
  value: string;
  /** 1-based line where the token starts. */
  line: number;
  /** Indentation column of the logical line when this token starts one, else -1. */
  indent: number;
  /** Only for strings. */
  stringKind?: StringKind;
}

/** A lexical error: the reader turns it into a `syntax-error` problem with its line. */
export class PythonSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = "PythonSyntaxError";
    this.line = line;
  }
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_HASH = 35;
const CH_BACKSLASH = 92;
const CH_DQUOTE = 34;
const CH_SQUOTE = 39;

const THREE_CHAR_OPS = new Set(["**=", "//=", ">>=", "<<=", "...", "!=="]);
const TWO_CHAR_OPS = new Set(["**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="]);
const STRING_PREFIXES = new Set(["r", "u", "b", "f", "br", "rb", "fr", "rf"]);
/** Single-character operators and delimiters other than brackets (next() also accepts these). */
const OP_CHARS = "+-*/%@&|^~<>=.,:;!";
/**
 * What next() reads as names, numbers, operators and blanks: letters, digits, `_`, non-ASCII,
 * OP_CHARS, space, tab and form feed. Everything else needs a closer look.
 */
const SIMPLE_REST = /[A-Za-z0-9_., \t]*(?:#[^\r\n]*)?(?=[\r\n]|$(?![\s\S]))/y;
const PLAIN_RUN = /[A-Za-z0-9_\u0080-\uffff+\-*/%@&|^~<>=.,:;! \t\f]+/y;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Python's universal newlines: the compiler sees \r\n and \r as \n inside string literals too. */
function normalizeNewlines(s: string): string {
  return s.indexOf("\r") === -1 ? s : s.replace(/\r\n?/g, "\n");
}

/** Evaluate the escape sequences of a non-raw string body (text between the quotes). */
function decodeEscapes(body: string, isBytes: boolean): string {
  if (body.indexOf("\\") === -1) return normalizeNewlines(body);
  body = normalizeNewlines(body);
  let out = "";
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= n) {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1]!;
    if (e === "\n") {
      i += 2; // backslash-newline: the line continues, nothing is added
    } else if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e >= "0" && e <= "7") {
      let j = i + 1;
      let digits = "";
      while (j < n && digits.length < 3 && body[j]! >= "0" && body[j]! <= "7") digits += body[j++];
      out += String.fromCodePoint(parseInt(digits, 8));
      i = j;
    } else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (!isBytes && e === "u" && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (!isBytes && e === "U" && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
      const cp = parseInt(body.slice(i + 2, i + 10), 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : body.slice(i, i + 10);
      i += 10;
    } else {
      // Unknown escapes (and \N{NAME}, whose name table we do not carry) keep their backslash.
      out += c;
      i++;
    }
  }
  return out;
}

export class PythonTokenizer {
  private readonly src: string;
  private pos = 0;
  private line = 1;
  private depth = 0;
  private atLineStart = true;
  private pendingIndent = -1;
  private lastWasNewline = true;
  private finished = false;
  private readonly brackets: { ch: string; line: number }[] = [];
  private readonly onComment?: (text: string, line: number) => void;

  /** `onComment` receives each comment's text (from `#`) and line: lint reads `# cairn: allow …` from it. */
  constructor(source: string, options: { onComment?: (text: string, line: number) => void } = {}) {
    // A UTF-8 BOM is not part of the program text.
    this.src = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    this.onComment = options.onComment;
  }

  /** The next token; `end` forever once the source is exhausted. Throws PythonSyntaxError. */
  next(): Token {
    const src = this.src;
    const n = src.length;
    for (;;) {
      if (this.atLineStart && this.depth === 0) {
        // Measure indentation; blank and comment-only lines are not logical lines.
        let col = 0;
        let p = this.pos;
        while (p < n) {
          const c = src.charCodeAt(p);
          if (c === CH_SPACE) col++;
          else if (c === CH_TAB) col = (Math.floor(col / 8) + 1) * 8;
          else if (c === CH_FF) col = 0;
          else break;
          p++;
        }
        this.pos = p;
        if (p >= n) break;
        const c = src.charCodeAt(p);
        if (c === CH_HASH) {
          this.skipComment();
          continue;
        }
        if (c === CH_LF || c === CH_CR) {
          this.skipNewline();
          continue;
        }
        if (c === CH_BACKSLASH && this.isContinuationAt(p)) {
          this.skipContinuation();
          this.atLineStart = false;
          this.pendingIndent = col;
          continue;
        }
        this.atLineStart = false;
        this.pendingIndent = col;
      }
      if (this.pos >= n) break;
      const c = src.charCodeAt(this.pos);
      if (c === CH_SPACE || c === CH_TAB || c === CH_FF) {
        this.pos++;
        continue;
      }
      if (c === CH_HASH) {
        this.skipComment();
        continue;
      }
      if (c === CH_LF || c === CH_CR) {
        const line = this.line;
        this.skipNewline();
        if (this.depth > 0) continue; // implicit line joining inside brackets
        this.atLineStart = true;
        if (!this.lastWasNewline) return this.emit("newline", "", line);
        continue;
      }
      if (c === CH_BACKSLASH) {
        if (!this.isContinuationAt(this.pos)) {
          throw new PythonSyntaxError("unexpected character after line continuation character", this.line);
        }
        this.skipContinuation();
        continue;
      }
      const start = this.pos;
      const line = this.line;
      if (isIdentStart(c)) {
        let p = start + 1;
        while (p < n && isIdentPart(src.charCodeAt(p))) p++;
        const word = src.slice(start, p);
        const q = p < n ? src.charCodeAt(p) : 0;
        if ((q === CH_DQUOTE || q === CH_SQUOTE) && word.length <= 2 && STRING_PREFIXES.has(word.toLowerCase())) {
          this.pos = p;
          return this.readString(word.toLowerCase(), line);
        }
        this.pos = p;
        return this.emit("name", word, line);
      }
      if (c === CH_DQUOTE || c === CH_SQUOTE) return this.readString("", line);
      if ((c >= 48 && c <= 57) || (c === 46 && this.pos + 1 < n && src.charCodeAt(this.pos + 1) >= 48 && src.charCodeAt(this.pos + 1) <= 57)) {
        let p = start + 1;
        while (p < n) {
          const d = src.charCodeAt(p);
          if (isIdentPart(d) || d === 46) p++;
          else if ((d === 43 || d === 45) && (src.charCodeAt(p - 1) | 32) === 101 && !/^0[xX]/.test(src.slice(start, start + 2))) p++;
          else break;
        }
        this.pos = p;
        return this.emit("number", src.slice(start, p), line);
      }
      // Operators and delimiters.
      const ch = src[start]!;
      if (ch === "(" || ch === "[" || ch === "{") {
        this.depth++;
        this.brackets.push({ ch, line });
        this.pos++;
        return this.emit("op", ch, line);
      }
      if (ch === ")" || ch === "]" || ch === "}") {
        const open = this.brackets.pop();
        const want = ch === ")" ? "(" : ch === "]" ? "[" : "{";
        if (!open) throw new PythonSyntaxError(`unmatched '${ch}'`, line);
        if (open.ch !== want) {
          throw new PythonSyntaxError(`closing parenthesis '${ch}' does not match opening parenthesis '${open.ch}' on line ${open.line}`, line);
        }
        this.depth--;
        this.pos++;
        return this.emit("op", ch, line);
      }
      // Every operator of two or three characters has one of these second characters; without
      // one, this is a single-character operator (no substrings made for `,`, `:`, `=` …).
      const d = src.charCodeAt(start + 1);
      if (d !== 42 && d !== 47 && d !== 62 && d !== 60 && d !== 61 && d !== 46 && OP_CHARS.includes(ch)) {
        this.pos++;
        return this.emit("op", ch, line);
      }
      const three = src.slice(start, start + 3);
      if (THREE_CHAR_OPS.has(three)) {
        this.pos += 3;
        return this.emit("op", three, line);
      }
      const two = src.slice(start, start + 2);
      if (TWO_CHAR_OPS.has(two)) {
        this.pos += 2;
        return this.emit("op", two, line);
      }
      if (OP_CHARS.includes(ch)) {
        this.pos++;
        return this.emit("op", ch, line);
      }
      throw new PythonSyntaxError(`invalid character '${ch}' (U+${c.toString(16).toUpperCase().padStart(4, "0")})`, line);
    }
    // End of input.
    if (this.brackets.length > 0) {
      const open = this.brackets[this.brackets.length - 1]!;
      throw new PythonSyntaxError(`'${open.ch}' was never closed`, open.line);
    }
    if (!this.lastWasNewline && !this.finished) {
      this.finished = true;
      return this.emit("newline", "", this.line);
    }
    this.finished = true;
    return { type: "end", value: "", line: this.line, indent: -1 };
  }

  /**
   * At the start of a logical line, skips every following logical line indented deeper than
   * `column` — a def or class body — character by character, without making tokens or decoding
   * strings. It keeps the tokenizer's lexical checks (strings, brackets, stray characters, line
   * continuations), so a body that Python could not compile still fails the same way. Stops at the
   * start of the first line indented `column` or less, or at the end of the source.
   */
  skipDeeperThan(column: number): void {
    const src = this.src;
    const n = src.length;
    while (this.atLineStart && this.depth === 0) {
      const lineStart = this.pos;
      let col = 0;
      let p = lineStart;
      while (p < n) {
        const c = src.charCodeAt(p);
        if (c === CH_SPACE) col++;
        else if (c === CH_TAB) col = (Math.floor(col / 8) + 1) * 8;
        else if (c === CH_FF) col = 0;
        else break;
        p++;
      }
      if (p >= n) return;
      const c = src.charCodeAt(p);
      if (c === CH_HASH) {
        this.pos = p;
        this.skipComment();
        continue;
      }
      if (c === CH_LF || c === CH_CR) {
        this.pos = p;
        this.skipNewline();
        continue;
      }
      // A line opening with a continuation, or one not deeper than `column`: next() takes over.
      if (col <= column || c === CH_BACKSLASH) {
        this.pos = lineStart;
        return;
      }
      this.pos = p;
      this.skipLogicalLine();
    }
  }

  /**
   * After the first token of a logical line: if the rest of the physical line is only names, dots,
   * commas and blanks (an optional comment after), consumes it with its NEWLINE and returns true —
   * `from typing import Sequence, Union` costs one regex match instead of five tokens. Otherwise
   * changes nothing and returns false.
   */
  skipSimpleLineRest(): boolean {
    SIMPLE_REST.lastIndex = this.pos;
    if (!SIMPLE_REST.test(this.src)) return false;
    this.pos = SIMPLE_REST.lastIndex;
    if (this.pos < this.src.length) this.skipNewline();
    this.atLineStart = true;
    this.lastWasNewline = true;
    return true;
  }

  /** Consumes one logical line (through its NEWLINE) without producing tokens. */
  private skipLogicalLine(): void {
    const src = this.src;
    const n = src.length;
    this.atLineStart = false;
    this.lastWasNewline = false;
    while (this.pos < n) {
      // Runs of ordinary code (names, numbers, operators, spaces) are skipped by one native regex
      // match; only quotes, comments, backslashes, newlines, brackets and stray characters stop it.
      PLAIN_RUN.lastIndex = this.pos;
      if (PLAIN_RUN.test(src)) this.pos = PLAIN_RUN.lastIndex;
      if (this.pos >= n) break;
      const p = this.pos;
      const c = src.charCodeAt(p);
      if (c === CH_HASH) {
        this.skipComment();
      } else if (c === CH_LF || c === CH_CR) {
        this.skipNewline();
        if (this.depth === 0) {
          this.atLineStart = true;
          this.lastWasNewline = true;
          return;
        }
      } else if (c === CH_BACKSLASH) {
        if (!this.isContinuationAt(p)) {
          throw new PythonSyntaxError("unexpected character after line continuation character", this.line);
        }
        this.skipContinuation();
      } else if (c === CH_DQUOTE || c === CH_SQUOTE) {
        // A name of up to two letters right before the quote is a string prefix (as in next()).
        let w = p;
        while (w > 0 && isIdentPart(src.charCodeAt(w - 1))) w--;
        const prefix = p - w <= 2 && w < p && isIdentStart(src.charCodeAt(w)) ? src.slice(w, p).toLowerCase() : "";
        this.skipString(STRING_PREFIXES.has(prefix) ? prefix : "", this.line);
      } else if (c === 40 || c === 91 || c === 123) {
        this.depth++;
        this.brackets.push({ ch: src[p]!, line: this.line });
        this.pos++;
      } else if (c === 41 || c === 93 || c === 125) {
        const ch = src[p]!;
        const open = this.brackets.pop();
        const want = ch === ")" ? "(" : ch === "]" ? "[" : "{";
        if (!open) throw new PythonSyntaxError(`unmatched '${ch}'`, this.line);
        if (open.ch !== want) {
          throw new PythonSyntaxError(`closing parenthesis '${ch}' does not match opening parenthesis '${open.ch}' on line ${open.line}`, this.line);
        }
        this.depth--;
        this.pos++;
      } else {
        throw new PythonSyntaxError(`invalid character '${src[p]}' (U+${c.toString(16).toUpperCase().padStart(4, "0")})`, this.line);
      }
    }
    // End of input inside the line: next() reports open brackets and then the end.
    if (this.brackets.length > 0) {
      const open = this.brackets[this.brackets.length - 1]!;
      throw new PythonSyntaxError(`'${open.ch}' was never closed`, open.line);
    }
    this.lastWasNewline = true;
  }

  /** Skips a string literal whose prefix has been consumed (`pos` at the quote), unread. */
  private skipString(prefix: string, line: number): void {
    const src = this.src;
    const q = src[this.pos]!;
    const qc = src.charCodeAt(this.pos);
    const triple = src.charCodeAt(this.pos + 1) === qc && src.charCodeAt(this.pos + 2) === qc;
    this.pos += triple ? 3 : 1;
    const end = prefix.includes("f") ? this.scanFStringBody(q, triple, line) : this.scanStringBody(q, triple, line);
    this.pos = end + (triple ? 3 : 1);
  }

  private emit(type: TokenType, value: string, line: number, stringKind?: StringKind): Token {
    const indent = this.pendingIndent;
    this.pendingIndent = -1;
    this.lastWasNewline = type === "newline";
    const tok: Token = { type, value, line, indent };
    if (stringKind) tok.stringKind = stringKind;
    return tok;
  }

  private skipComment(): void {
    const src = this.src;
    let p = this.pos;
    while (p < src.length) {
      const c = src.charCodeAt(p);
      if (c === CH_LF || c === CH_CR) break;
      p++;
    }
    this.onComment?.(src.slice(this.pos, p), this.line);
    this.pos = p;
  }

  private skipNewline(): void {
    if (this.src.charCodeAt(this.pos) === CH_CR && this.src.charCodeAt(this.pos + 1) === CH_LF) this.pos += 2;
    else this.pos++;
    this.line++;
  }

  private isContinuationAt(p: number): boolean {
    const c = this.src.charCodeAt(p + 1);
    return c === CH_LF || c === CH_CR || p + 1 >= this.src.length;
  }

  private skipContinuation(): void {
    this.pos++;
    if (this.pos < this.src.length) this.skipNewline();
  }

  /** Reads a string literal whose (lower-cased) prefix has been consumed; `pos` is at the quote. */
  private readString(prefix: string, line: number): Token {
    const src = this.src;
    const q = src[this.pos]!;
    const qc = src.charCodeAt(this.pos);
    const triple = src.charCodeAt(this.pos + 1) === qc && src.charCodeAt(this.pos + 2) === qc;
    const isRaw = prefix.includes("r");
    const isBytes = prefix.includes("b");
    const isF = prefix.includes("f");
    this.pos += triple ? 3 : 1;
    const bodyStart = this.pos;
    const bodyEnd = isF ? this.scanFStringBody(q, triple, line) : this.scanStringBody(q, triple, line);
    const body = src.slice(bodyStart, bodyEnd);
    this.pos = bodyEnd + (triple ? 3 : 1);
    if (isF) return this.emit("string", body, line, "fstring");
    const value = isRaw ? normalizeNewlines(body) : decodeEscapes(body, isBytes);
    return this.emit("string", value, line, isBytes ? "bytes" : "str");
  }

  /** Returns the index of the closing quote; counts lines. */
  private scanStringBody(q: string, triple: boolean, line: number): number {
    const src = this.src;
    const n = src.length;
    const qc = q.charCodeAt(0);
    let p = this.pos;
    while (p < n) {
      const c = src.charCodeAt(p);
      if (c === CH_BACKSLASH) {
        // Even in raw strings a backslash keeps the next character (quote or newline) in the literal.
        const d = src.charCodeAt(p + 1);
        if (d === CH_CR && src.charCodeAt(p + 2) === CH_LF) {
          p += 3;
          this.line++;
        } else {
          if (d === CH_LF || d === CH_CR) this.line++;
          p += 2;
        }
        continue;
      }
      if (c === qc) {
        if (!triple) return p;
        if (src.charCodeAt(p + 1) === qc && src.charCodeAt(p + 2) === qc) return p;
        p++;
        continue;
      }
      if (c === CH_LF || c === CH_CR) {
        if (!triple) throw new PythonSyntaxError("unterminated string literal", line);
        if (c === CH_CR && src.charCodeAt(p + 1) === CH_LF) p++;
        this.line++;
      }
      p++;
    }
    throw new PythonSyntaxError(triple ? "unterminated triple-quoted string literal" : "unterminated string literal", line);
  }

  /**
   * f-strings are never literal values for Cairn, but they must be skipped exactly: replacement
   * fields may hold brackets and (from Python 3.12) strings using the same quote.
   */
  private scanFStringBody(q: string, triple: boolean, line: number): number {
    const src = this.src;
    const n = src.length;
    let p = this.pos;
    while (p < n) {
      const c = src[p]!;
      if (c === "\\") {
        if (src[p + 1] === "\n" || src[p + 1] === "\r") this.line++;
        p += 2;
        continue;
      }
      if (c === "{") {
        if (src[p + 1] === "{") {
          p += 2;
          continue;
        }
        p = this.skipReplacementField(p + 1, line);
        continue;
      }
      if (c === q && (!triple || (src[p + 1] === q && src[p + 2] === q))) return p;
      if (c === "\n" || c === "\r") {
        if (!triple) throw new PythonSyntaxError("unterminated f-string literal", line);
        if (c === "\r" && src[p + 1] === "\n") p++;
        this.line++;
      }
      p++;
    }
    throw new PythonSyntaxError("unterminated f-string literal", line);
  }

  private skipReplacementField(p: number, line: number): number {
    const src = this.src;
    const n = src.length;
    let depth = 0;
    while (p < n) {
      const c = src[p]!;
      if (c === "'" || c === '"') {
        // A nested string: scan it with a sub-tokenizer state by reusing this one's scanners.
        let prefixStart = p;
        while (prefixStart > 0 && /[rRbBuUfF]/.test(src[prefixStart - 1]!)) prefixStart--;
        const prefix = src.slice(prefixStart, p).toLowerCase();
        const triple = src.startsWith(c + c + c, p);
        this.pos = p + (triple ? 3 : 1);
        const end = prefix.includes("f") ? this.scanFStringBody(c, triple, line) : this.scanStringBody(c, triple, line);
        p = end + (triple ? 3 : 1);
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]") depth--;
      else if (c === "}") {
        if (depth === 0) return p + 1;
        depth--;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && src[p + 1] === "\n") p++;
        this.line++;
      }
      p++;
    }
    throw new PythonSyntaxError("unterminated f-string replacement field", line);
  }
}

/** Every token of a source, for tests and tools; the reader pulls from PythonTokenizer directly. */
export function tokenizePython(source: string): Token[] {
  const t = new PythonTokenizer(source);
  const out: Token[] = [];
  for (;;) {
    const tok = t.next();
    out.push(tok);
    if (tok.type === "end") return out;
  }
}
