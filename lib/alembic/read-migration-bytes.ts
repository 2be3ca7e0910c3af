/**
 * The reader's fast path, on the file's bytes: a migration's text is mostly `upgrade()` and
 * `downgrade()` bodies, which can assign nothing Alembic reads. A byte scan finds where the module
 * header ends (the first column-0 `def`, `class`, `async` or decorator line) and proves that every
 * later logical line is either indented or another column-0 `def`/`class`/`async`/decorator — the
 * lines readMigrationFile skips unread. Only then is just the header decoded and handed to
 * readMigrationFile, the authority; anything the scan is unsure of (a later column-0 statement, an
 * f-string, a form feed or continuation at a line start, an unterminated string or bracket, a stray
 * character, a possible coding cookie or BOM) sends the whole file down the full path. Pure.
 */
import { decodePythonSource, mayHoldCodingCookie, readMigrationFile, type ReadMigrationOptions, type ReadMigrationResult } from "@/lib/alembic/read-migration-file";

const PLAIN = 0;
const QUOTE = 1;
const HASH = 2;
const BACKSLASH = 3;
const NEWLINE = 4;
const OPEN = 5;
const CLOSE = 6;
const UNSURE = 7;

/** Byte classes. PLAIN: what the tokenizer reads as names, numbers, operators and blanks. */
const CLASS = new Uint8Array(256).fill(UNSURE);
const IDENT = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ident = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 128;
  if (ident) {
    CLASS[c] = PLAIN;
    IDENT[c] = 1;
  }
}
for (const ch of "+-*/%@&|^~<>=.,:;! \t\f") CLASS[ch.charCodeAt(0)] = PLAIN;
CLASS[34] = QUOTE;
CLASS[39] = QUOTE;
CLASS[35] = HASH;
CLASS[92] = BACKSLASH;
CLASS[10] = NEWLINE;
CLASS[13] = NEWLINE;
for (const ch of "([{") CLASS[ch.charCodeAt(0)] = OPEN;
for (const ch of ")]}") CLASS[ch.charCodeAt(0)] = CLOSE;

const brackets = new Uint8Array(200);

/** Index just past the string literal whose opening quote is at `p`, or -1 if unterminated. */
function skipString(b: Uint8Array, p: number): number {
  const n = b.length;
  const q = b[p]!;
  const triple = b[p + 1] === q && b[p + 2] === q;
  p += triple ? 3 : 1;
  while (p < n) {
    const c = b[p]!;
    if (c === 92) {
      // The escaped character stays in the literal, even in raw strings; CRLF counts as one.
      p += b[p + 1] === 13 && b[p + 2] === 10 ? 3 : 2;
    } else if (c === q) {
      if (!triple) return p + 1;
      if (b[p + 1] === q && b[p + 2] === q) return p + 3;
      p++;
    } else if (c === 10 || c === 13) {
      if (!triple) return -1;
      p++;
    } else p++;
  }
  return -1;
}

/**
 * From inside a logical line at bracket depth 0, the index just past its NEWLINE (or the end of
 * the file), or -1 when the line holds anything the scan does not vouch for.
 */
function skipLogicalLine(b: Uint8Array, p: number): number {
  const n = b.length;
  let depth = 0;
  while (p < n) {
    let c = b[p]!;
    // The hot loop: most bytes are names, operators and blanks.
    while (CLASS[c] === PLAIN) {
      if (++p === n) return depth === 0 ? n : -1;
      c = b[p]!;
    }
    const k = CLASS[c]!;
    if (k === NEWLINE) {
      p += c === 13 && b[p + 1] === 10 ? 2 : 1;
      if (depth === 0) return p;
    } else if (k === QUOTE) {
      // f-strings (prefix f, rf, fr in any case) nest quotes in replacement fields: full path.
      const p1 = p > 0 ? b[p - 1]! | 32 : 0;
      const p2 = p > 1 ? b[p - 2]! | 32 : 0;
      if (p1 === 102 || (p1 === 114 && p2 === 102)) return -1;
      p = skipString(b, p);
      if (p < 0) return -1;
    } else if (k === HASH) {
      while (p < n && b[p] !== 10 && b[p] !== 13) p++;
    } else if (k === BACKSLASH) {
      const d = b[p + 1];
      if (d === 10) p += 2;
      else if (d === 13) p += b[p + 2] === 10 ? 3 : 2;
      else return -1;
    } else if (k === OPEN) {
      if (depth === brackets.length) return -1;
      brackets[depth++] = c;
      p++;
    } else if (k === CLOSE) {
      if (depth === 0) return -1;
      const o = brackets[--depth];
      if (o !== (c === 41 ? 40 : c === 93 ? 91 : 123)) return -1;
      p++;
    } else return -1;
  }
  return depth === 0 ? n : -1;
}

/** Whether `b` holds the ASCII word `w` at `p`, followed by a byte that cannot continue a name. */
function wordAt(b: Uint8Array, p: number, w: string): boolean {
  for (let i = 0; i < w.length; i++) if (b[p + i] !== w.charCodeAt(i)) return false;
  return p + w.length < b.length && IDENT[b[p + w.length]!] === 0;
}

/** Whether the line starting at `p` (column 0) is one readMigrationFile skips with its body. */
function isSkippedStatement(b: Uint8Array, p: number): boolean {
  const c = b[p];
  if (c === 64) return b[p + 1] !== 61; // "@", not "@="
  return (c === 100 && wordAt(b, p, "def")) || (c === 99 && wordAt(b, p, "class")) || (c === 97 && wordAt(b, p, "async"));
}

/**
 * Where the module header ends: the offset of the first column-0 def/class/async/decorator line
 * (the file's length when there is none), provided every logical line from there on is indented or
 * another such line. -1 when that cannot be proven, and the whole file must be read.
 */
export function moduleHeaderEnd(b: Uint8Array): number {
  const n = b.length;
  // A possible PEP 263 cookie (a comment on line 1 or 2) or a BOM: decoding may not be plain UTF-8.
  if (mayHoldCodingCookie(b)) return -1;
  let cut = -1;
  let p = 0;
  for (;;) {
    // At the start of a physical line, outside any bracket or string.
    let q = p;
    while (q < n && (b[q] === 32 || b[q] === 9)) q++;
    if (q >= n) return cut < 0 ? n : cut;
    const c = b[q]!;
    if (c === 10 || c === 13) {
      p = q + (c === 13 && b[q + 1] === 10 ? 2 : 1);
      continue;
    }
    if (c === 35) {
      while (q < n && b[q] !== 10 && b[q] !== 13) q++;
      p = q;
      continue;
    }
    // Form feeds reset the indentation column; a continuation defers the line's first token.
    if (c === 12 || c === 92) return -1;
    if (q === p) {
      if (isSkippedStatement(b, q)) {
        if (cut < 0) cut = p;
      } else if (cut >= 0) return -1; // a module-level statement after the functions
    }
    p = skipLogicalLine(b, q);
    if (p < 0) return -1;
  }
}

/**
 * readMigrationFile on a file's bytes, with the same result: only the header is decoded and
 * tokenized when the rest is proven to be function and class definitions. `bytes` is read only
 * during the call.
 */
export function readMigrationBytes(bytes: Uint8Array, path: string, options: ReadMigrationOptions = {}): ReadMigrationResult {
  const end = moduleHeaderEnd(bytes);
  return readMigrationFile(end < 0 ? decodePythonSource(bytes) : decodeHeader(bytes, end), path, options);
}

/**
 * The header's text, when moduleHeaderEnd vouched for the file: it refuses a BOM and a comment on
 * line 1 or 2 (where a coding cookie could sit), so the bytes are plain UTF-8 and decodePythonSource
 * would only decode them. A Buffer decodes its own bytes (no view object, no TextDecoder call: ~10 ms
 * less in a cold `cairn graph` of 5,000 files); without a BOM, Buffer's UTF-8 decoding and
 * TextDecoder's agree byte for byte, invalid sequences included (read-migration-bytes.test.ts).
 */
function decodeHeader(bytes: Uint8Array, end: number): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString("utf8", 0, end);
  return decodePythonSource(end === bytes.length ? bytes : bytes.subarray(0, end));
}
