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

/** What one reading needs of a connection: a query, and a way to let go of it (`broken`: never reuse it). */
interface Session {
  client: pg.ClientBase;
  /** A kept connection from an earlier reading (it may have died meanwhile). */
  reused: boolean;
  done(broken: boolean): Promise<void>;
}

/**
 * Reads `version_num` rows in a READ ONLY transaction with a statement timeout, a connection
 * timeout and a client-side query timeout. The connection is closed on every path, including
 * abort — or, with `opts.keep`, kept for the environment's next reading when the reading ended
 * cleanly (its transaction rolled back), and closed otherwise.
 */
export async function readPostgresVersionTable(opts: ReadVersionTableOptions): Promise<VersionTableReadResult> {
  const timeout = Math.max(1, Math.floor(opts.timeoutMs));
  const started = performance.now();
  const config = {
    connectionString: toPgConnectionString(opts.url),
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    lock_timeout: timeout,
    query_timeout: timeout + 100,
    idle_in_transaction_session_timeout: timeout * 2,
    application_name: "cairn-status",
  };
  let session: Session | undefined;
  let aborted = false;
  const abort = () => {
    aborted = true;
    void session?.done(true);
  };
  opts.signal?.addEventListener("abort", abort, { once: true });
  const open = async (fresh: boolean): Promise<Session> => {
    if (opts.keep && !fresh) {
      const { client, reused } = await opts.keep.pools.connect(opts.keep.scope, config);
      let released = false;
      return {
        client,
        reused,
        done: async (broken) => {
          if (released) return;
          released = true;
          client.release(broken || undefined);
        },
      };
    }
    const client = new pg.Client(config);
    // A late socket error after we gave up must not become an unhandled 'error' event.
    client.on("error", () => {});
    let ending: Promise<void> | undefined;
    const s: Session = { client, reused: false, done: () => (ending ??= client.end().catch(() => {})) };
    session = s;
    await client.connect();
    return s;
  };
  try {
    for (let attempt = 0; ; attempt++) {
      if (aborted || opts.signal?.aborted) throw Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
      session = await open(attempt > 0);
      if (aborted) throw Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
      try {
        const result = await readOn(session.client, opts, timeout);
        await session.done(false);
        return result;
      } catch (e) {
        const s = session;
        // A SQL error leaves the transaction aborted: roll it back before the connection is kept.
        const rolledBack =
          opts.keep && isSqlError(e)
            ? await s.client.query("ROLLBACK").then(
                () => true,
                () => false,
              )
            : false;
        await s.done(!rolledBack);
        // A kept connection that died meanwhile fails at once: once more, on a new one. Not one that
        // used up half the timeout first (a black-holed server): that is the reading's answer.
        if (!rolledBack && s.reused && isConnectionLost(e) && !aborted && performance.now() - started < timeout / 2) continue;
        if (isSqlError(e) && (e.code === "42P01" || e.code === "3F000")) return { ok: true, tableExists: false, revisions: [] };
        throw e;
      }
    }
  } catch (e) {
    return { ok: false, ...describeDriverError(e, opts.url) };
  } finally {
    opts.signal?.removeEventListener("abort", abort);
    await session?.done(true);
  }
}

/**
 * An error PostgreSQL answered with (a SQLSTATE), as opposed to a connection that failed: only the
 * server's error messages count — a socket's EPIPE or ECONNRESET is five capital letters too.
 */
function isSqlError(e: unknown): e is pg.DatabaseError & { code: string } {
  return e instanceof pg.DatabaseError && typeof e.code === "string";
}

/**
 * The connection itself is gone: a socket error (no SQLSTATE), a connection exception (class 08), or
 * the server ending the session — 57P01 admin shutdown (pg_terminate_backend, a fast shutdown),
 * 57P02 crash shutdown, 57P03 cannot connect now — which a kept connection receives as the answer to
 * the next reading's query when the pool had not yet noticed it close.
 */
function isConnectionLost(e: unknown): boolean {
  if (!isSqlError(e)) return true;
  return e.code.startsWith("08") || e.code === "57P01" || e.code === "57P02" || e.code === "57P03";
}

async function readOn(client: pg.ClientBase, opts: ReadVersionTableOptions, timeout: number): Promise<VersionTableReadResult> {
  const qualified = opts.versionTableSchema ? `${quoteIdent(opts.versionTableSchema)}.${quoteIdent(opts.versionTable)}` : quoteIdent(opts.versionTable);
  // One round trip for everything (a simple-protocol batch, the name as an escaped literal): the
  // overview polls every environment every 10 s per tab, and each round trip is CPU on the server
  // (five were a third of a poll's; two were still ~1 ms per environment). Nothing is ever
  // committed: the transaction is READ ONLY and rolled back (or dropped with the connection).
  // A missing table or schema fails the SELECT with 42P01 / 3F000 — the same name resolution
  // (search_path when unqualified) to_regclass uses for the width — and is reported as no table;
  // a table this role may not read fails with permission denied, reported as such.
  const literal = client.escapeLiteral(qualified);
  const batch = (await client.query(
    `BEGIN READ ONLY;
     SELECT set_config('statement_timeout', '${timeout}ms', true);
     SELECT (SELECT CASE WHEN a.atttypmod > 4 THEN a.atttypmod - 4 END
               FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = to_regclass(${literal}) AND a.attname = 'version_num' AND NOT a.attisdropped) AS width;
     SELECT version_num FROM ${qualified};
     ROLLBACK`,
  )) as unknown as pg.QueryResult[];
  const width = (batch[2]?.rows[0] as { width: number | null } | undefined)?.width;
  const versions = batch[3]!.rows as { version_num: string }[];
  return {
    ok: true,
    tableExists: true,
    revisions: versions.map((r) => String(r.version_num)),
    ...(width != null ? { versionNumWidth: Number(width) } : {}),
  };
}

export const postgresVersionTableReader: VersionTableReader = {
  schemes: ["postgresql", "postgres"],
  readVersionTable: readPostgresVersionTable,
};
