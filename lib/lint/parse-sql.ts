/**
 * PostgreSQL's own parser (libpg_query compiled to WASM) over the SQL Alembic renders. Statements
 * are split by the parser, or — when some statement does not parse — by the real lexer's `;`
 * tokens, so a string or a dollar-quoted body holding a `;` never splits a statement.
 */
import { loadModule, parseSync, scanSync } from "libpg-query";

/** A parse-tree node as libpg_query's JSON gives it: `{ "CreateStmt": { … } }`. */
export type PgNode = Record<string, unknown>;

export interface ParsedStatement {
  /** The statement's text as rendered, trimmed. */
  text: string;
  /** The parsed statement node; absent when the parser rejected it. */
  node?: PgNode;
  /** The parser's message when it rejected the statement. */
  error?: string;
}

let loading: Promise<void> | undefined;

/** Loads the WASM parser once (≈30 ms); every parse after it is synchronous. */
export function loadSqlParser(): Promise<void> {
  // A failed load is not kept: the next call tries again.
  loading ??= loadModule().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** libpg_query reports byte offsets into UTF-8; this slices by them without assuming ASCII. */
function sliceBytes(sql: string, bytes: Uint8Array | null, start: number, end: number | undefined): string {
  if (!bytes) return sql.slice(start, end);
  return decoder.decode(bytes.subarray(start, end));
}

/** Statements of a script, parsed one by one only when the whole does not parse. Call loadSqlParser() first. */
export function parseStatements(sql: string): ParsedStatement[] {
  const bytes = /^[\x00-\x7f]*$/.test(sql) ? null : encoder.encode(sql);
  try {
    const result = parseSync(sql);
    return (result.stmts ?? []).map((raw) => {
      const start = raw.stmt_location ?? 0;
      const end = raw.stmt_len ? start + raw.stmt_len : undefined;
      return { text: sliceBytes(sql, bytes, start, end).trim(), node: raw.stmt as PgNode };
    });
  } catch {
    // Some statement does not parse: split by the lexer and parse each, so only that one is rejected.
  }
  let pieces: string[];
  try {
    pieces = [];
    let start = 0;
    for (const token of scanSync(sql).tokens) {
      if (token.tokenName !== "ASCII_59") continue;
      pieces.push(sliceBytes(sql, bytes, start, token.end));
      start = token.end;
    }
    pieces.push(sliceBytes(sql, bytes, start, undefined));
  } catch {
    pieces = [sql];
  }
  const out: ParsedStatement[] = [];
  for (const piece of pieces) {
    // The same text the parser's own split gives: without the terminating semicolon.
    const text = piece.trim().replace(/;$/, "").trim();
    if (!text) continue;
    try {
      const result = parseSync(text);
      for (const raw of result.stmts ?? []) out.push({ text, node: raw.stmt as PgNode });
    } catch (e) {
      out.push({ text, error: firstLine(e) });
    }
  }
  return out;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0]!.trim();
}
