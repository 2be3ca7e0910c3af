/**
 * Reads from SQLite's stored CREATE statements what its pragmas do not report: CHECK constraints,
 * generated-column expressions, constraint names, index expressions and predicates, view bodies.
 */
import { identValue, isWord, matchingParen, renderSql, splitTopLevel, tokenizeSql, type SqlToken } from "@/lib/drift/tokenize-sql";

export interface ParsedCheck {
  name: string | null;
  /** Rendered expression inside CHECK ( … ). */
  expression: string;
  /** Column names the expression mentions (as declared in the table), in table order. */
  columns: string[];
}

export interface ParsedTable {
  checks: ParsedCheck[];
  /** Column name → rendered generation expression. */
  generated: Map<string, string>;
  /** Constraint names given with CONSTRAINT, keyed by `kind:col1,col2` (kind: primary|unique|foreign). */
  names: Map<string, string>;
}

const COLUMN_CONSTRAINT_START = new Set(["CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS"]);
const TABLE_CONSTRAINT_START = new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]);

export function constraintNameKey(kind: "primary" | "unique" | "foreign", columns: readonly string[]): string {
  return `${kind}:${columns.map((c) => c.toLowerCase()).join(",")}`;
}

function firstParen(tokens: readonly SqlToken[], from = 0): number {
  for (let i = from; i < tokens.length; i++) if (tokens[i]!.kind === "punct" && tokens[i]!.text === "(") return i;
  return -1;
}

/** The tokens inside the brackets opening at `open` (exclusive), and the index after the close. */
function bracketed(tokens: readonly SqlToken[], open: number): { inner: SqlToken[]; next: number } | null {
  const close = matchingParen(tokens, open);
  if (close === -1) return null;
  return { inner: tokens.slice(open + 1, close), next: close + 1 };
}

function columnList(inner: readonly SqlToken[]): string[] {
  return splitTopLevel(inner)
    .map((part) => part[0])
    .filter((t): t is SqlToken => t !== undefined)
    .map(identValue);
}

function mentioned(expr: readonly SqlToken[], tableColumns: readonly string[]): string[] {
  const names = new Set(expr.filter((t) => t.kind === "word" || t.kind === "ident").map((t) => t.text.toLowerCase()));
  return tableColumns.filter((c) => names.has(c.toLowerCase()));
}

/** Parses `CREATE TABLE … ( … )`. `tableColumns` (from pragma_table_xinfo) tells checks which columns they use. */
export function parseCreateTable(sql: string, tableColumns: readonly string[]): ParsedTable {
  const result: ParsedTable = { checks: [], generated: new Map(), names: new Map() };
  const tokens = tokenizeSql(sql);
  const open = firstParen(tokens);
  if (open === -1) return result; // CREATE TABLE … AS SELECT: no constraints to find
  const body = bracketed(tokens, open);
  if (!body) return result;

  for (const def of splitTopLevel(body.inner)) {
    const head = def[0];
    if (!head) continue;
    if (head.kind === "word" && TABLE_CONSTRAINT_START.has(head.text.toUpperCase())) {
      parseConstraintClauses(def, 0, null, tableColumns, result);
      continue;
    }
    // Column definition: name, type words, then constraint clauses.
    const column = identValue(head);
    let i = 1;
    while (i < def.length) {
      const t = def[i]!;
      if (t.kind === "word" && COLUMN_CONSTRAINT_START.has(t.text.toUpperCase())) break;
      if (t.kind === "punct" && t.text === "(") {
        const b = bracketed(def, i);
        i = b ? b.next : def.length;
        continue;
      }
      i++;
    }
    parseConstraintClauses(def, i, column, tableColumns, result);
  }
  return result;
}

/** Walks constraint clauses from `start`; `column` is set for column constraints. */
function parseConstraintClauses(def: readonly SqlToken[], start: number, column: string | null, tableColumns: readonly string[], out: ParsedTable): void {
  let pendingName: string | null = null;
  let i = start;
  while (i < def.length) {
    const t = def[i]!;
    if (isWord(t, "CONSTRAINT") && def[i + 1]) {
      pendingName = identValue(def[i + 1]!);
      i += 2;
      continue;
    }
    if (isWord(t, "CHECK")) {
      const open = firstParen(def, i + 1);
      const b = open === -1 ? null : bracketed(def, open);
      if (!b) return;
      out.checks.push({ name: pendingName, expression: renderSql(b.inner), columns: mentioned(b.inner, tableColumns) });
      pendingName = null;
      i = b.next;
      continue;
    }
    if ((isWord(t, "GENERATED") || isWord(t, "AS")) && column !== null) {
      const open = firstParen(def, i + 1);
      const b = open === -1 ? null : bracketed(def, open);
      if (!b) return;
      out.generated.set(column, renderSql(b.inner));
      i = b.next;
      continue;
    }
    if (isWord(t, "PRIMARY") || isWord(t, "UNIQUE") || isWord(t, "FOREIGN") || isWord(t, "REFERENCES")) {
      const kind = isWord(t, "PRIMARY") ? "primary" : isWord(t, "UNIQUE") ? "unique" : "foreign";
      let cols: string[] | null = column !== null ? [column] : null;
      if (column === null) {
        const open = firstParen(def, i + 1);
        const b = open === -1 ? null : bracketed(def, open);
        if (b) {
          cols = columnList(b.inner);
          i = b.next;
        } else i++;
      } else i++;
      if (pendingName !== null && cols) out.names.set(constraintNameKey(kind, cols), pendingName);
      pendingName = null;
      // Skip the rest of a REFERENCES clause's bracket so its columns are not read as ours.
      while (i < def.length && !(def[i]!.kind === "word" && ["CONSTRAINT", "CHECK", "DEFAULT", "NOT", "NULL", "COLLATE", "GENERATED", "UNIQUE", "PRIMARY"].includes(def[i]!.text.toUpperCase()))) {
        if (def[i]!.kind === "punct" && def[i]!.text === "(") {
          const b = bracketed(def, i);
          i = b ? b.next : def.length;
        } else i++;
      }
      continue;
    }
    if (t.kind === "punct" && t.text === "(") {
      const b = bracketed(def, i);
      i = b ? b.next : def.length;
      continue;
    }
    i++;
  }
}

export interface ParsedIndex {
  /** Rendered key terms (column or expression, with DESC/COLLATE as written; ASC dropped). */
  columns: string[];
  predicate: string | null;
}

/** Parses `CREATE [UNIQUE] INDEX name ON table (terms) [WHERE expr]`. Null if the text is not that shape. */
export function parseCreateIndex(sql: string): ParsedIndex | null {
  const tokens = tokenizeSql(sql);
  let on = -1;
  for (let i = 0; i < tokens.length; i++)
    if (isWord(tokens[i], "ON")) {
      on = i;
      break;
    }
  if (on === -1) return null;
  const open = firstParen(tokens, on);
  if (open === -1) return null;
  const b = bracketed(tokens, open);
  if (!b) return null;
  const columns = splitTopLevel(b.inner).map((term) => {
    const trimmed = isWord(term[term.length - 1], "ASC") ? term.slice(0, -1) : term;
    return renderSql(trimmed);
  });
  const rest = tokens.slice(b.next).filter((t) => !(t.kind === "punct" && t.text === ";"));
  const predicate = isWord(rest[0], "WHERE") ? renderSql(rest.slice(1)) : null;
  return { columns, predicate };
}

/** The body of `CREATE VIEW name [(cols)] AS select`, rendered canonically. */
export function parseCreateView(sql: string): string {
  const tokens = tokenizeSql(sql);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (depth === 0 && isWord(t, "AS")) {
      const rest = tokens.slice(i + 1);
      const end = rest.length > 0 && rest[rest.length - 1]!.kind === "punct" && rest[rest.length - 1]!.text === ";" ? rest.length - 1 : rest.length;
      return renderSql(rest.slice(0, end));
    }
  }
  return renderSql(tokens);
}
