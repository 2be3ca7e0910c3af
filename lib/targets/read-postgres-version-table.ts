import "server-only";
import pg from "pg";
import { describeDriverError } from "@/lib/targets/describe-driver-error";
import type { ReadVersionTableOptions, VersionTableReader, VersionTableReadResult } from "@/lib/targets/types";

/** SQLAlchemy writes `postgresql+psycopg2://`; pg wants a plain `postgresql://`. */
export function toPgConnectionString(url: string): string {
  return url.replace(/^postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?:\/\//, "postgresql://");
}

/** Double-quotes an identifier (doubling any embedded quote), so names are never pasted into SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Reads `version_num` rows in a READ ONLY transaction with a statement timeout, a connection
 * timeout and a client-side query timeout; the connection is closed on every path, including abort.
 */
export async function readPostgresVersionTable(opts: ReadVersionTableOptions): Promise<VersionTableReadResult> {
  const timeout = Math.max(1, Math.floor(opts.timeoutMs));
  const client = new pg.Client({
    connectionString: toPgConnectionString(opts.url),
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    lock_timeout: timeout,
    query_timeout: timeout + 100,
    idle_in_transaction_session_timeout: timeout * 2,
    application_name: "cairn-status",
  });
  // A late socket error after we gave up must not become an unhandled 'error' event.
  client.on("error", () => {});
  const abort = () => void client.end().catch(() => {});
  opts.signal?.addEventListener("abort", abort, { once: true });
  try {
    if (opts.signal?.aborted) throw Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
    await client.connect();
    const qualified = opts.versionTableSchema ? `${quoteIdent(opts.versionTableSchema)}.${quoteIdent(opts.versionTable)}` : quoteIdent(opts.versionTable);
    // One round trip for everything (a simple-protocol batch, the name as an escaped literal): the
    // overview polls every environment every 10 s per tab, and each round trip is CPU on the server
    // (five were a third of a poll's; two were still ~1 ms per environment). Nothing is ever
    // committed: the transaction is READ ONLY and rolled back (or dropped with the connection).
    // A missing table or schema fails the SELECT with 42P01 / 3F000 — the same name resolution
    // (search_path when unqualified) to_regclass uses for the width — and is reported as no table;
    // a table this role may not read fails with permission denied, reported as such.
    const literal = client.escapeLiteral(qualified);
    let batch: pg.QueryResult[];
    try {
      batch = (await client.query(
        `BEGIN READ ONLY;
         SELECT set_config('statement_timeout', '${timeout}ms', true);
         SELECT (SELECT CASE WHEN a.atttypmod > 4 THEN a.atttypmod - 4 END
                   FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = to_regclass(${literal}) AND a.attname = 'version_num' AND NOT a.attisdropped) AS width;
         SELECT version_num FROM ${qualified};
         ROLLBACK`,
      )) as unknown as pg.QueryResult[];
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === "42P01" || code === "3F000") return { ok: true, tableExists: false, revisions: [] };
      throw e;
    }
    const width = (batch[2]?.rows[0] as { width: number | null } | undefined)?.width;
    const versions = batch[3]!.rows as { version_num: string }[];
    return {
      ok: true,
      tableExists: true,
      revisions: versions.map((r) => String(r.version_num)),
      ...(width != null ? { versionNumWidth: Number(width) } : {}),
    };
  } catch (e) {
    return { ok: false, ...describeDriverError(e, opts.url) };
  } finally {
    opts.signal?.removeEventListener("abort", abort);
    await client.end().catch(() => {});
  }
}

export const postgresVersionTableReader: VersionTableReader = {
  schemes: ["postgresql", "postgres"],
  readVersionTable: readPostgresVersionTable,
};
