import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import { AppError } from "@/lib/errors";
import { createRedactor } from "@/lib/runner/redact-secrets";

export interface TargetLock {
  /** The bigint key used with pg_try_advisory_lock, as text. */
  key: string;
  release(): Promise<void>;
}

/** True for URLs the runner can hold an advisory lock on (SQLAlchemy dialect suffixes included). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?(\+[a-z0-9_]+)?:\/\//i.test(url);
}

/** A stable signed 64-bit key from the lock name (project + environment), the same on every instance. */
export function advisoryLockKey(name: string): string {
  return createHash("sha256").update(`cairn:${name}`).digest().readBigInt64BE(0).toString();
}

/** SQLAlchemy's `postgresql+psycopg2://` to a URL node-postgres understands. */
export function toNodePgUrl(url: string): string {
  return url.replace(/^postgres(ql)?\+[a-z0-9_]+:\/\//i, "postgresql://");
}

/**
 * Holds `pg_try_advisory_lock(key)` on a dedicated connection to the target for the run's duration,
 * so two Cairn installations (separate stores) cannot migrate one database at once.
 * Returns null for non-PostgreSQL targets. Throws `locked` when another session holds the key.
 */
export async function acquireTargetAdvisoryLock(
  databaseUrl: string,
  name: string,
  o: { environmentName: string; connectTimeoutMs?: number },
): Promise<TargetLock | null> {
  if (!isPostgresUrl(databaseUrl)) return null;
  const key = advisoryLockKey(name);
  const redact = createRedactor([databaseUrl]);
  const client = new pg.Client({ connectionString: toNodePgUrl(databaseUrl), connectionTimeoutMillis: o.connectTimeoutMs ?? 5000, application_name: "cairn-lock" });
  // A dropped lock connection must not crash the process; the run itself carries on.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    const msg = redact(e instanceof Error ? e.message : String(e));
    throw new AppError("unreachable", `lock connection to ${o.environmentName} failed: ${msg}`, `Cairn could not connect to ${o.environmentName} to lock it (${msg}). Check that the database is reachable and the URL is right.`);
  }
  const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
  if (!rows[0]?.ok) {
    const holders = await client
      .query<{ application_name: string; client_addr: string | null; backend_start: Date }>(
        `SELECT a.application_name, a.client_addr::text, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1`,
        [key],
      )
      .catch(() => ({ rows: [] }));
    await client.end().catch(() => {});
    const h = holders.rows[0];
    const who = h ? ` by a session from ${h.client_addr ?? "a local socket"} (${h.application_name || "no application name"}) since ${h.backend_start.toISOString()}` : "";
    throw new AppError(
      "locked",
      `advisory lock ${key} held on ${o.environmentName}`,
      `${o.environmentName} is being migrated from elsewhere: its database lock is held${who}. Another Cairn installation sharing this database may be running a migration; wait for it to finish.`,
      { key },
    );
  }
  return {
    key,
    async release() {
      try {
        await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
      } catch {
        // Closing the session releases it anyway.
      }
      await client.end().catch(() => {});
    },
  };
}
