import "server-only";
import fs from "node:fs";
import Database from "better-sqlite3";
import { describeDriverError } from "@/lib/targets/describe-driver-error";
import { parseSqliteUrl } from "@/lib/targets/parse-sqlite-url";
import { quoteIdent } from "@/lib/targets/read-postgres-version-table";
import type { ReadVersionTableOptions, VersionTableReader, VersionTableReadResult } from "@/lib/targets/types";

/** `VARCHAR(32)` → 32; undefined for TEXT and friends (SQLite keeps the declared type as written). */
export function declaredWidth(type: string): number | undefined {
  const m = /\(\s*(\d+)\s*\)/.exec(type);
  return m ? Number(m[1]) : undefined;
}

/**
 * Opens the file read-only (it must already exist — opening must never create a database) and
 * reads `version_num`. better-sqlite3 is synchronous, so the busy wait is kept short: a file
 * locked by a writer is reported as timed out instead of stalling every other environment.
 */
export async function readSqliteVersionTable(opts: ReadVersionTableOptions): Promise<VersionTableReadResult> {
  const target = parseSqliteUrl(opts.url, opts.baseDir);
  if (target.kind === "invalid") return { ok: false, reason: "invalid url", message: `invalid SQLite URL: ${target.message}` };
  if (target.kind === "memory") {
    return { ok: false, reason: "unsupported database", message: "an in-memory SQLite database (sqlite://) has no version table Cairn can read; point the URL at a file" };
  }
  if (!fs.existsSync(target.path)) {
    return { ok: false, reason: "SQLite file missing", message: `SQLite file missing: ${target.path} does not exist` };
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(target.path, { readonly: true, fileMustExist: true, timeout: Math.min(opts.timeoutMs, 250) });
    const schema = opts.versionTableSchema && opts.versionTableSchema !== "main" ? opts.versionTableSchema : undefined;
    if (schema) {
      return { ok: false, reason: "error", message: `SQLite has no schema "${schema}" on a plain file; remove versionTableSchema for this environment` };
    }
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(opts.versionTable);
    if (!exists) return { ok: true, tableExists: false, revisions: [] };
    const columns = db.prepare(`PRAGMA table_info(${quoteIdent(opts.versionTable)})`).all() as { name: string; type: string }[];
    const width = declaredWidth(columns.find((c) => c.name === "version_num")?.type ?? "");
    const rows = db.prepare(`SELECT version_num FROM ${quoteIdent(opts.versionTable)}`).all() as { version_num: unknown }[];
    return {
      ok: true,
      tableExists: true,
      revisions: rows.map((r) => String(r.version_num)),
      ...(width !== undefined ? { versionNumWidth: width } : {}),
    };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_NOTADB") return { ok: false, reason: "error", message: `${target.path} is not a SQLite database` };
    return { ok: false, ...describeDriverError(e, opts.url) };
  } finally {
    db?.close();
  }
}

export const sqliteVersionTableReader: VersionTableReader = {
  schemes: ["sqlite"],
  readVersionTable: readSqliteVersionTable,
};
