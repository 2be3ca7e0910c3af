import "server-only";
import { mysqlVersionTableReader } from "@/lib/targets/read-mysql-version-table";
import { postgresVersionTableReader } from "@/lib/targets/read-postgres-version-table";
import { sqliteVersionTableReader } from "@/lib/targets/read-sqlite-version-table";
import type { ReadVersionTableOptions, VersionTableReader, VersionTableReadResult } from "@/lib/targets/types";

/** Readers by URL scheme. */
export const VERSION_TABLE_READERS: readonly VersionTableReader[] = [postgresVersionTableReader, sqliteVersionTableReader, mysqlVersionTableReader];

/** `postgresql+psycopg2://…` → "postgresql"; undefined when the value is not a URL. */
export function urlScheme(url: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9.\-]*)(?:\+[A-Za-z0-9_]+)?:\/\//.exec(url.trim())?.[1]?.toLowerCase();
}

export function selectVersionTableReader(url: string, readers: readonly VersionTableReader[] = VERSION_TABLE_READERS): VersionTableReader | undefined {
  const scheme = urlScheme(url);
  return scheme ? readers.find((r) => r.schemes.includes(scheme)) : undefined;
}

/**
 * Reads one environment's version table within its own budget. The driver enforces the timeout
 * itself (connect, statement, query); this race is the backstop that guarantees the promise
 * settles on time even if a driver does not, and the abort signal tells it to close up.
 */
export async function readVersionTable(opts: ReadVersionTableOptions, readers: readonly VersionTableReader[] = VERSION_TABLE_READERS): Promise<VersionTableReadResult> {
  const scheme = urlScheme(opts.url);
  if (!scheme) return { ok: false, reason: "invalid url", message: "the database URL is not a URL (expected e.g. postgresql://user@host/db, mysql+pymysql://user@host/db or sqlite:///file.db)" };
  const reader = selectVersionTableReader(opts.url, readers);
  if (!reader) return { ok: false, reason: "unsupported database", message: `"${scheme}" databases are not supported; Cairn reads PostgreSQL, MySQL/MariaDB and SQLite` };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<VersionTableReadResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, reason: "timed out", message: `timed out after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
  });
  try {
    return await Promise.race([reader.readVersionTable({ ...opts, signal: controller.signal }).catch((): VersionTableReadResult => ({ ok: false, reason: "error", message: "could not read the version table" })), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
