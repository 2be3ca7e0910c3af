import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import { serverEnv } from "@/lib/config/server-env";
import { onShutdown } from "@/lib/server/on-shutdown";

/**
 * Connections to target PostgreSQL databases kept between readings, so the overview's poll (every
 * 10 s per open tab) does not open and close a connection per environment each time — that was a
 * third of a poll's CPU. One small pool per environment and URL: a connection is never shared
 * between two environments, and a changed URL (a new password in cairn.config.json or the
 * environment's settings) gets a new pool, the old one's connections closing after the idle time.
 * Pools are keyed by a hash of what defines them, so no URL is held as a key or named in a log.
 * What runs on these connections is the reader's business (READ ONLY transactions, rolled back).
 */
export class TargetPools {
  readonly idleMs: number;
  private readonly pools = new Map<string, pg.Pool>();
  private readonly fresh = new WeakSet<pg.PoolClient>();
  private closed = false;

  constructor(options: { idleMs: number }) {
    this.idleMs = options.idleMs;
  }

  /**
   * A connection for `scope` (a project's environment) on `config`'s database: an idle one kept from
   * an earlier reading, or a new one. `reused` says which: a kept connection may have died meanwhile
   * (the server restarted), and is worth one retry on a new one.
   */
  async connect(scope: string, config: pg.ClientConfig & { connectionString: string }): Promise<{ client: pg.PoolClient; reused: boolean }> {
    if (this.closed) throw new Error("target connections are closed");
    const key = createHash("sha256")
      .update(JSON.stringify([scope, config]))
      .digest("hex");
    let pool = this.pools.get(key);
    if (!pool || pool.ending) {
      pool = this.createPool(key, config);
      this.pools.set(key, pool);
    }
    const client = await pool.connect();
    return { client, reused: !this.fresh.delete(client) };
  }

  private createPool(key: string, config: pg.ClientConfig): pg.Pool {
    // Two at most: a poll and a pending list opened at the same moment; more would be a reading
    // stuck behind a lock, which its own timeout ends.
    const pool = new pg.Pool({ ...config, max: 2, idleTimeoutMillis: this.idleMs, allowExitOnIdle: true });
    pool.on("connect", (client) => {
      this.fresh.add(client);
      // A socket error while the connection is handed out (the server ended it mid-reading) also
      // fails the reading's query, which handles it; as an 'error' event with no listener it would be
      // an uncaught exception and take the server down. Idle connections are the pool's (below).
      client.on("error", () => {});
    });
    // An idle connection the server ended (restart, idle timeout there): the pool drops it; nothing to report.
    pool.on("error", () => {});
    pool.on("remove", () => {
      if (pool.totalCount > 0 || pool.waitingCount > 0 || this.pools.get(key) !== pool) return;
      // Its last connection went idle and closed: forget the pool (an environment removed or its URL changed leaves nothing behind).
      this.pools.delete(key);
      void pool.end().catch(() => {});
    });
    return pool;
  }

  /** How many connections are open, idle or in use (tests). */
  get openConnections(): number {
    let n = 0;
    for (const pool of this.pools.values()) n += pool.totalCount;
    return n;
  }

  /** Closes every kept connection; connect() refuses afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => {})));
  }
}

/** The `scope` of a project's environment: what keeps two environments from sharing a connection. */
export function environmentScope(project: string, environment: string): string {
  return JSON.stringify([project, environment]);
}

const state = globalThis as unknown as { __cairnTargetPools?: TargetPools | null };

/**
 * The server's kept target connections, idle for CAIRN_TARGET_IDLE_SECONDS (default 30: a little
 * longer than the overview's 10 s poll) before they close; null when that is 0 (every reading
 * opens and closes its own). Closed when the process is asked to stop.
 */
export function serverTargetPools(): TargetPools | null {
  if (state.__cairnTargetPools !== undefined) return state.__cairnTargetPools;
  const seconds = serverEnv().CAIRN_TARGET_IDLE_SECONDS ?? 30;
  const pools = seconds > 0 ? new TargetPools({ idleMs: seconds * 1000 }) : null;
  state.__cairnTargetPools = pools;
  if (pools) onShutdown(() => pools.close());
  return pools;
}
