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
    // One round trip for the transaction, its timeout and the lookup (a simple-protocol batch, the
    // name as an escaped literal): the overview polls every environment every 10 s per tab, and
    // five round trips each were a third of a poll's CPU. Nothing is ever committed: the
    // transaction is READ ONLY and is rolled back (or dropped with the connection).
    // to_regclass resolves the name like the query below would (search_path when unqualified),
    // and unlike information_schema it sees tables this role may not read, so "permission denied"
    // is reported as such rather than as a missing table.
    const literal = client.escapeLiteral(qualified);
    const batch = (await client.query(
      `BEGIN READ ONLY;
       SELECT set_config('statement_timeout', '${timeout}ms', true);
       SELECT to_regclass(${literal})::oid::text AS oid,
              (SELECT CASE WHEN a.atttypmod > 4 THEN a.atttypmod - 4 END
                 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = to_regclass(${literal}) AND a.attname = 'version_num' AND NOT a.attisdropped) AS width`,
    )) as unknown as pg.QueryResult<{ oid: string | null; width: number | null }>[];
    const row = batch[2]?.rows[0];
    if (!row?.oid) {
      await client.query("ROLLBACK");
      return { ok: true, tableExists: false, revisions: [] };
    }
    const rows = await client.query<{ version_num: string }>(`SELECT version_num FROM ${qualified}; ROLLBACK`);
    const versions = (rows as unknown as pg.QueryResult<{ version_num: string }>[])[0]!;
    return {
      ok: true,
      tableExists: true,
      revisions: versions.rows.map((r) => String(r.version_num)),
      ...(row.width != null ? { versionNumWidth: Number(row.width) } : {}),
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
