/**
 * Reads what one Alembic migration file declares — revision, down_revision, branch_labels,
 * depends_on and its docstring — without running it, agreeing with what Alembic 1.8 sees when it
 * imports the module (alembic/script/base.py `Script._from_filename`, `Script.__init__`,
 * script/revision.py `Revision.__init__`). Pure: no framework imports.
 */
import type { MigrationScript, Problem } from "@/lib/graph/types";
import { describePythonValue, parsePythonLiteral, resolveConstants, unresolvedParts, type ConstantsTable, type PythonValue } from "@/lib/alembic/parse-python-literal";
import { PythonSyntaxError, PythonTokenizer, type Token } from "@/lib/alembic/tokenize-python";
import { scanSimpleHeader } from "@/lib/alembic/scan-simple-header";
import { exactSize } from "@/lib/revision-lists";

export type { ConstantsTable };

export interface ReadMigrationOptions {
  constants?: ConstantsTable;
}

export interface ReadMigrationResult {
  /** Absent when Alembic would fail to load the file (or Cairn cannot know its revision id). */
  script?: MigrationScript;
  problems: Problem[];
}

type Attr = "revision" | "down_revision" | "branch_labels" | "depends_on";
const ATTRS = new Set<string>(["revision", "down_revision", "branch_labels", "depends_on"]);

interface Assignment {
  val: PythonValue;
  line: number;
  /** Line of the enclosing module-level if/try/with/for/while block, when conditional. */
  blockLine?: number;
}

const COMPOUND = new Set(["if", "elif", "else", "try", "except", "finally", "with", "for", "while", "match", "case"]);
const SKIPPED = new Set(["def", "class", "async", "@"]);
/** alembic/script/base.py `_legacy_rev`, applied with re.match to the file name. */
const LEGACY_REV = /^([a-f0-9]+)\.py$/;
/** alembic/script/revision.py `_revision_illegal_chars`. */
const ILLEGAL_REV_CHARS = ["@", "-", "+"];
const ILLEGAL_REV_CHAR = /[@+-]/;
// The docstring's header lines. Module constants, not literals in readMigrationFile: a literal
// makes a new RegExp object on every call (5,000 files, three each).
const CREATE_DATE = /^[ \t]*Create Date:[ \t]*(.*?)\s*$/m;
const REVISION_ID = /^[ \t]*Revision ID:[ \t]*(.*?)\s*$/m;
const REVISES = /^[ \t]*Revises:[ \t]*(.*?)\s*$/m;
const QUOTED_ID = /(['"])(.*?)\1/g;
const ID_SEPARATORS = /[\s,()[\]]+/;

/**
 * A copy of `s` that does not keep alive the string it was sliced from. V8 represents a slice of
 * 13 or more characters as a view into its parent: a revision's message would hold its whole
 * decoded header (~700 bytes) for the life of the graph, which the garbage collector then copies
 * on every young-generation collection (measured: ~3.5 MB more live data at 5,000 revisions).
 * Flattening a concatenation makes a fresh string; the slice of it keeps only that.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (s + " ").slice(0, -1);
}

const UTF8 = new TextDecoder("utf-8");
const LATIN1 = new TextDecoder("latin1");

/**
 * Whether the file starts with a BOM, or line 1 or 2 is a comment — after any spaces, tabs and form
 * feeds, as Python's tokenizer allows, whatever the line ending (\n, \r\n or a lone \r) — so a PEP 263
 * coding cookie may decide how it decodes. False for most files, which start with a docstring or code.
 */
export function mayHoldCodingCookie(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xef) return true;
  const n = bytes.length;
  let p = 0;
  for (let line = 1; line <= 2; line++) {
    while (p < n && (bytes[p] === 32 || bytes[p] === 9 || bytes[p] === 12)) p++;
    if (bytes[p] === 35) return true;
    while (p < n && bytes[p] !== 10 && bytes[p] !== 13) p++;
    if (p >= n) return false;
    p += bytes[p] === 13 && bytes[p + 1] === 10 ? 2 : 1;
  }
  return false;
}

/** Decode a source file as Python does: UTF-8 unless a PEP 263 coding cookie says otherwise. */
export function decodePythonSource(bytes: Uint8Array): string {
  if (!mayHoldCodingCookie(bytes)) return UTF8.decode(bytes);
  const head = LATIN1.decode(bytes.subarray(0, 512));
  for (const l of head.split(/\r\n|\r|\n/, 2)) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(l);
    if (m) {
      // Python spells some codecs differently from the WHATWG labels TextDecoder knows.
      const enc = m[1]!
        .toLowerCase()
        .replace(/_/g, "-")
        .replace(/^latin-1$/, "latin1")
        .replace(/^iso-latin-1$/, "latin1");
      if (enc !== "utf-8" && enc !== "utf8" && !enc.startsWith("utf-8-")) {
        try {
          return new TextDecoder(enc).decode(bytes);
        } catch {
          break; // unknown label: fall back to UTF-8, as good as we can do statically
        }
      }
      break;
    }
    if (!/^[ \t\f]*(#.*)?$/.test(l)) break;
  }
  return UTF8.decode(bytes);
}

/** Split a statement's tokens on top-level `=`; targets are every part but the last. */
function splitAssignment(toks: Token[], s: number, e: number): { targets: [number, number][]; value: [number, number] } | "annotation-only" | null {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = s;
  let annotationEnd = -1;
  for (let j = s; j < e; j++) {
    const t = toks[j]!;
    if (t.type !== "op") continue;
    const v = t.value;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
    else if (depth === 0 && v === ":" && parts.length === 0 && annotationEnd < 0) annotationEnd = j;
    else if (depth === 0 && v === "=") {
      parts.push([start, annotationEnd >= 0 && parts.length === 0 ? annotationEnd : j]);
      start = j + 1;
    } else if (depth === 0 && v === "lambda") return null;
  }
  if (parts.length === 0) return annotationEnd >= 0 ? "annotation-only" : null;
  return { targets: parts, value: [start, e] };
}

/** Names a target list binds, or null for anything but plain names (attributes, subscripts, stars). */
function targetNames(toks: Token[], s: number, e: number): string[] | null {
  while (s < e && e - s >= 2 && toks[s]!.type === "op" && (toks[s]!.value === "(" || toks[s]!.value === "[")) {
    // Parenthesised target list: `(revision, down_revision) = …`.
    const close = toks[s]!.value === "(" ? ")" : "]";
    if (toks[e - 1]!.type === "op" && toks[e - 1]!.value === close) {
      s++;
      e--;
    } else break;
  }
  const names: string[] = [];
  let expectName = true;
  for (let j = s; j < e; j++) {
    const t = toks[j]!;
    if (expectName) {
      if (t.type !== "name") return null;
      names.push(t.value);
      expectName = false;
    } else {
      if (t.type !== "op" || t.value !== ",") return null;
      expectName = true;
    }
  }
  return names.length > 0 ? names : null;
}

function hasTopComma(toks: Token[], s: number, e: number): boolean {
  let depth = 0;
  for (let j = s; j < e; j++) {
    const t = toks[j]!;
    if (t.type !== "op") continue;
    if (t.value === "(" || t.value === "[" || t.value === "{") depth++;
    else if (t.value === ")" || t.value === "]" || t.value === "}") depth--;
    else if (t.value === "," && depth === 0) return true;
  }
  return false;
}

interface ScanState {
  assignments: Map<Attr, Assignment>;
  /** Per attribute, the compound blocks that already set it (only the first branch counts). */
  conditionalSeen: Set<string>;
  docstring?: string;
  sawFirstStatement: boolean;
  problems: Problem[];
  path: string;
}

/** Records the assignments a simple statement makes to the four attributes. */
function scanStatement(st: ScanState, toks: Token[], s: number, e: number, blockLine: number | undefined): void {
  if (s >= e) return;
  const first = toks[s]!;
  if (!st.sawFirstStatement) {
    st.sawFirstStatement = true;
    // A module docstring is a first statement made only of plain string literals.
    if (blockLine === undefined && first.type === "string") {
      let j = s;
      let ok = true;
      let text = "";
      for (; j < e; j++) {
        const t = toks[j]!;
        if (t.type !== "string" || t.stringKind !== "str") {
          ok = false;
          break;
        }
        text += t.value;
      }
      if (ok) st.docstring = text;
    }
  }
  if (first.type !== "name" && !(first.type === "op" && (first.value === "(" || first.value === "["))) return;
  // Augmented assignment to a tracked name makes the value computed.
  const second = toks[s + 1];
  if (ATTRS.has(first.value) && second?.type === "op" && second.value.length === 2 && second.value.endsWith("=") && !["==", "<=", ">=", "!="].includes(second.value)) {
    record(st, first.value as Attr, { val: { k: "expr", desc: `an augmented assignment (${second.value})` }, line: first.line, blockLine });
    return;
  }
  const split = splitAssignment(toks, s, e);
  if (split === null || split === "annotation-only") return;
  let tracked = false;
  const targetLists: string[][] = [];
  for (const [ts, te] of split.targets) {
    const names = targetNames(toks, ts, te);
    if (names === null) {
      targetLists.push([]);
      continue;
    }
    targetLists.push(names);
    if (names.some((n) => ATTRS.has(n))) tracked = true;
  }
  if (!tracked) return;
  const [vs, ve] = split.value;
  const value = parsePythonLiteral(toks, vs, ve);
  for (let ti = 0; ti < targetLists.length; ti++) {
    const names = targetLists[ti]!;
    const [ts, te] = split.targets[ti]!;
    const unpack = names.length > 1 || hasTopComma(toks, ts, te);
    for (let ni = 0; ni < names.length; ni++) {
      const name = names[ni]!;
      if (!ATTRS.has(name)) continue;
      let v: PythonValue;
      if (!unpack) v = value;
      else if (value.k === "seq" && value.items.length === names.length) v = value.items[ni]!;
      else if (value.k === "seq" || value.k === "str") {
        v = { k: "expr", desc: `an unpacking of ${describePythonValue(value)} into ${names.length} names` };
      } else v = { k: "expr", desc: "an unpacked expression" };
      record(st, name as Attr, { val: v, line: toks[ts]!.line, blockLine });
    }
  }
}

function record(st: ScanState, attr: Attr, a: Assignment): void {
  if (a.blockLine !== undefined) {
    const key = `${attr}@${a.blockLine}`;
    // In `try: … except: …` or `if: … else: …`, the first branch is the one Cairn assumes.
    if (st.conditionalSeen.has(key)) return;
    st.conditionalSeen.add(key);
  }
  st.assignments.set(attr, a);
}

/** Splits a logical line on top-level `;` and scans each statement. */
function scanLine(st: ScanState, toks: Token[], from: number, blockLine: number | undefined): void {
  let s = from;
  let depth = 0;
  for (let j = from; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.type !== "op") continue;
    if (t.value === "(" || t.value === "[" || t.value === "{") depth++;
    else if (t.value === ")" || t.value === "]" || t.value === "}") depth--;
    else if (t.value === ";" && depth === 0) {
      scanStatement(st, toks, s, j, blockLine);
      s = j + 1;
    }
  }
  scanStatement(st, toks, s, toks.length, blockLine);
}

/** Index just after a compound header's top-level `:`, or -1. */
function headerColon(toks: Token[]): number {
  let depth = 0;
  for (let j = 0; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.type !== "op") continue;
    if (t.value === "(" || t.value === "[" || t.value === "{") depth++;
    else if (t.value === ")" || t.value === "]" || t.value === "}") depth--;
    else if (t.value === ":" && depth === 0) return j + 1;
  }
  return -1;
}

/** Walks the module's logical lines, skipping function and class bodies without keeping their tokens. */
function scanModule(source: string, st: ScanState): void {
  const tz = new PythonTokenizer(source);
  let skipAbove = -1; // lines indented deeper than this belong to a skipped def/class body
  let blockLine: number | undefined; // inside a module-level compound statement
  let lastCompound: number | undefined; // first line of the current if/try/… statement
  let line: Token[] = [];
  for (;;) {
    const first = tz.next();
    if (first.type === "end") return;
    if (first.type === "newline") continue;
    const indent = first.indent;
    if (skipAbove >= 0 && indent > skipAbove) {
      let t = first;
      while (t.type !== "newline" && t.type !== "end") t = tz.next();
      continue;
    }
    skipAbove = -1;
    if (indent === 0) blockLine = undefined;
    else if (blockLine === undefined) throw new PythonSyntaxError("unexpected indent", first.line);
    // A plain import assigns none of the four attributes as Cairn reads them: skip it unread.
    if (first.type === "name" && (first.value === "import" || first.value === "from") && tz.skipSimpleLineRest()) {
      st.sawFirstStatement = true;
      if (indent === 0) lastCompound = undefined;
      continue;
    }
    line = [first];
    for (let t = tz.next(); t.type !== "newline" && t.type !== "end"; t = tz.next()) line.push(t);
    const kw = first.value;
    if ((first.type === "name" || first.type === "op") && SKIPPED.has(kw)) {
      if (!st.sawFirstStatement) st.sawFirstStatement = true;
      if (indent === 0) lastCompound = undefined;
      skipAbove = indent;
      // The body, unread: most of a migration's text is upgrade()/downgrade().
      tz.skipDeeperThan(indent);
      continue;
    }
    if (first.type === "name" && COMPOUND.has(kw) && headerColon(line) > 0) {
      const next = line[1];
      // `match` and `case` are soft keywords: `match: int = 1` is an annotated assignment.
      const isSoftKeyword = (kw === "match" || kw === "case") && next?.type === "op" && (next.value === "=" || next.value === "." || next.value === ":");
      if (!isSoftKeyword) {
        if (!st.sawFirstStatement) st.sawFirstStatement = true;
        if (indent === 0) {
          // elif/else/except/finally continue the statement their `if`/`try`/`for`/`while` began.
          const continues = kw === "elif" || kw === "else" || kw === "except" || kw === "finally" || kw === "case";
          if (!continues || lastCompound === undefined) lastCompound = first.line;
          blockLine = lastCompound;
        }
        const after = headerColon(line);
        if (after < line.length) scanLine(st, line.slice(after), 0, blockLine);
        continue;
      }
    }
    if (indent === 0) lastCompound = undefined;
    scanLine(st, line, 0, indent === 0 ? undefined : blockLine);
  }
}

/**
 * What the tokenizer path collects from a module — docstring and attribute assignments — for the
 * tests that hold scanSimpleHeader to it. Throws PythonSyntaxError as readMigrationFile's scan does.
 */
export function scanModuleAssignments(source: string): { docstring?: string; assignments: Map<string, Assignment> } {
  const st: ScanState = { assignments: new Map(), conditionalSeen: new Set(), sawFirstStatement: false, problems: [], path: "" };
  scanModule(source, st);
  return st.docstring === undefined ? { assignments: st.assignments } : { docstring: st.docstring, assignments: st.assignments };
}

/** Python's str.strip() whitespace, close enough to JS trim for docstrings. */
function longdocOf(doc: string | undefined): string {
  return doc ? doc.trim() : "";
}

function idsOf(v: PythonValue): PythonValue[] {
  if (v.k === "none") return [];
  if (v.k === "str") return v.v === "" ? [] : [v];
  if (v.k === "seq") return v.items;
  return [v];
}

/**
 * Read one migration file's source. `fileName` is the base name Alembic sees (for the legacy
 * revision-from-filename fallback); `path` is the absolute path reported in problems.
 */
export function readMigrationFile(source: string, path: string, options: ReadMigrationOptions = {}): ReadMigrationResult {
  const problems: Problem[] = [];
  // The common template header is read without tokens; anything else goes to the tokenizer. The
  // tokenizer's state (two hash tables) is made only when it runs: 5,000 files, 10,000 tables.
  const simple = scanSimpleHeader(source);
  let st: Pick<ScanState, "assignments" | "docstring">;
  if (simple) st = simple;
  else {
    const full: ScanState = { assignments: new Map(), conditionalSeen: new Set(), sawFirstStatement: false, problems, path };
    st = full;
    try {
      scanModule(source, full);
    } catch (e) {
      if (!(e instanceof PythonSyntaxError)) throw e;
      problems.push({
        code: "syntax-error",
        severity: "error",
        path,
        line: e.line,
        message: `${path}:${e.line}: Python syntax error: ${e.message}. Alembic cannot import this file either; fix the syntax. Cairn skipped the file.`,
      });
      return { problems };
    }
  }
  const constants = options.constants;
  let knownRevision: string | undefined = undefined;
  const err = (code: string, line: number | undefined, message: string, severity: Problem["severity"] = "error", revision = knownRevision): void => {
    const p: Problem = { code, severity, path, message: `${path}${line ? `:${line}` : ""}: ${message}` };
    if (line) p.line = line;
    if (revision) p.revision = revision;
    problems.push(p);
  };

  /** The final value of an attribute, with problems for conditional or non-literal assignments. */
  const valueOf = (attr: Attr): { val: PythonValue; line: number } | undefined => {
    const a = st.assignments.get(attr);
    if (!a) return undefined;
    const val = resolveConstants(a.val, constants);
    const missing = unresolvedParts(val);
    if (missing.length > 0) {
      const names = missing.filter((m) => /^[A-Za-z_][\w.]*$/.test(m));
      const hint =
        names.length > 0
          ? `add ${names.map((n) => JSON.stringify(n)).join(", ")} to the constants table (cairn graph --constants FILE, a JSON object of name → id, list of ids or null)`
          : "write the value as a string literal, a tuple of string literals or None";
      err("non-literal-value", a.line, `${attr} is ${describePythonValue(a.val)}, which Cairn cannot evaluate without running the file; ${hint}.`);
      return { val: { k: "expr", desc: describePythonValue(a.val) }, line: a.line };
    }
    if (a.blockLine !== undefined) {
      err(
        "conditional-assignment",
        a.line,
        `${attr} is assigned inside the block starting on line ${a.blockLine}, so its value depends on how the file runs; Cairn assumed the first branch's value ${describePythonValue(val)}. Assign it once at module level to make it certain.`,
        "warning",
      );
    }
    return { val, line: a.line };
  };

  // revision: Alembic falls back to a hex file name when the module has no `revision`.
  let revision: string;
  const revLine = st.assignments.get("revision")?.line;
  const rv = valueOf("revision");
  if (!rv) {
    const fileName = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
    const m = LEGACY_REV.exec(fileName);
    if (!m) {
      err("missing-revision", undefined, 'no module-level `revision = "…"` assignment, and the file name is not a legacy hex revision id; Alembic refuses to load this file. Add the revision id. Cairn skipped the file.');
      return { problems };
    }
    revision = m[1]!;
  } else if (rv.val.k === "str") {
    revision = rv.val.v;
    if (revision === "") {
      err("invalid-revision", rv.line, "revision is an empty string; give the migration a real revision id. Cairn skipped the file.");
      return { problems };
    }
  } else {
    if (rv.val.k !== "expr") {
      err("invalid-revision", rv.line, `revision is ${describePythonValue(rv.val)}, not a string; Alembic fails to load this file. Make it a string literal. Cairn skipped the file.`);
    }
    return { problems };
  }
  const illegal = ILLEGAL_REV_CHAR.test(revision) ? ILLEGAL_REV_CHARS.filter((c) => revision.includes(c)) : [];
  if (illegal.length > 0) {
    err(
      "illegal-revision-id",
      revLine,
      `revision id ${JSON.stringify(revision)} contains ${illegal.map((c) => `'${c}'`).join(", ")}, which Alembic does not allow (they are revision-expression operators); rename it. Cairn skipped the file.`,
      "error",
      revision,
    );
    return { problems };
  }
  for (const p of problems) p.revision ??= revision;
  knownRevision = revision;

  const script: MigrationScript = { revision, downRevisions: [], branchLabels: [], dependsOn: [], path, message: "", lines: {} };
  if (revLine) script.lines.revision = revLine;

  // down_revision: required (Alembic raises AttributeError without it).
  const drv = valueOf("down_revision");
  if (!drv) {
    err(
      "missing-down-revision",
      undefined,
      `revision ${revision} has no module-level down_revision; Alembic crashes loading it (AttributeError). Add \`down_revision = None\` for a base or the parent id. Cairn skipped the file.`,
      "error",
      revision,
    );
    return { problems };
  }
  script.lines.downRevision = drv.line;
  if (drv.val.k !== "expr") {
    for (const item of idsOf(drv.val)) {
      if (item.k === "str" && item.v !== "") script.downRevisions.push(item.v);
      else if (item.k === "str") {
        err("empty-revision-id", drv.line, `down_revision of ${revision} contains an empty string inside a tuple; Alembic fails with KeyError ''. Remove it. Cairn ignored it.`, "error", revision);
      } else {
        err("invalid-down-revision", drv.line, `down_revision of ${revision} is ${describePythonValue(drv.val)}; every entry must be a revision id string. Alembic fails to load this. Cairn skipped the file.`, "error", revision);
        return { problems };
      }
    }
  }

  const blv = valueOf("branch_labels");
  if (blv) {
    script.lines.branchLabels = blv.line;
    if (blv.val.k !== "expr") {
      const items = blv.val.k === "str" ? [blv.val] : idsOf(blv.val);
      for (const item of items) {
        if (item.k === "str" && item.v !== "") script.branchLabels.push(item.v);
        else {
          // Alembic keeps an empty label, but joins labels as strings: any other value fails its load (TypeError).
          if (item.k === "str") err("invalid-branch-label", blv.line, `branch_labels of ${revision} contains an empty string; a branch label must be a non-empty string. Cairn ignored it.`, "warning", revision);
          else
            err(
              "invalid-branch-label",
              blv.line,
              `branch_labels of ${revision} contains ${describePythonValue(item)}; Alembic fails to load the project (every label must be a string). Make it a non-empty string. Cairn ignored it.`,
              "error",
              revision,
            );
        }
      }
    }
  }

  const dov = valueOf("depends_on");
  if (dov) {
    script.lines.dependsOn = dov.line;
    if (dov.val.k !== "expr") {
      for (const item of idsOf(dov.val)) {
        if (item.k === "str") {
          // Alembic resolves an empty dependency to nothing.
          if (item.v !== "") script.dependsOn.push(item.v);
        } else {
          err("invalid-depends-on", dov.line, `depends_on of ${revision} contains ${describePythonValue(item)}; Alembic fails resolving it. Use revision ids or branch labels as strings. Cairn ignored it.`, "error", revision);
        }
      }
    }
  }

  // V8 gives an array its first pushed element room for 17: trimmed to size, each list that outlives
  // the read (the graph keeps every script) costs ~150 bytes less for the garbage collector to copy.
  script.downRevisions = exactSize(script.downRevisions);
  script.branchLabels = exactSize(script.branchLabels);
  script.dependsOn = exactSize(script.dependsOn);

  const longdoc = longdocOf(st.docstring);
  // The first paragraph, as longdoc.split("\n\n")[0] without splitting the rest.
  const para = longdoc.indexOf("\n\n");
  script.message = detached(para < 0 ? longdoc : longdoc.slice(0, para));
  const cd = CREATE_DATE.exec(longdoc);
  if (cd) script.createDate = detached(cd[1]!);

  // The docstring's header is a comment to Alembic; only warn when it contradicts the code.
  const docRev = REVISION_ID.exec(longdoc);
  if (docRev && docRev[1] !== "" && docRev[1] !== revision) {
    err("docstring-mismatch", script.lines.revision, `the docstring says "Revision ID: ${docRev[1]}" but the code says revision = ${JSON.stringify(revision)}; Alembic uses the code. Fix the docstring.`, "warning", revision);
  }
  const docRevises = REVISES.exec(longdoc);
  if (docRevises && drv.val.k !== "expr") {
    const said = revisionIdsSaid(docRevises[1]!);
    const real = script.downRevisions;
    if (said.length !== real.length || said.some((x) => !real.includes(x))) {
      err(
        "docstring-mismatch",
        script.lines.downRevision,
        `the docstring says "Revises: ${docRevises[1]}" but the code says down_revision = ${real.length === 0 ? "None" : real.join(", ")}; Alembic uses the code. Fix the docstring.`,
        "warning",
        revision,
      );
    }
  }
  return { script, problems };
}

/**
 * The ids a docstring's "Revises:" line names, however the template spelled them: Alembic 1.x
 * writes `a, b`; older templates wrote the tuple's repr (`('a', 'b')`, `(u'a', u'b')`).
 */
function revisionIdsSaid(text: string): string[] {
  // Alembic 1.x's `a, b` has no quotes: one native split, no match iterator (5,000 files).
  const quoted = text.includes("'") || text.includes('"') ? [...text.matchAll(QUOTED_ID)].map((m) => m[2]!) : [];
  const ids = quoted.length > 0 ? quoted : text.split(ID_SEPARATORS);
  return ids.filter((x) => x !== "" && x !== "None" && x !== "<base>");
}
