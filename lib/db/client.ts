import "server-only";
import path from "node:path";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { applyMigrations } from "@/lib/db/apply-migrations";
import { acquireStoreLock } from "@/lib/db/store-lock";
import { serverEnv } from "@/lib/config/server-env";
import { installJobQueue, type JobSql } from "@/lib/jobs/install-job-queue";
import { isBackground, nextTurn } from "@/lib/server/background";
import type { PGlite } from "@electric-sql/pglite";

export type Db = PrismaClient;

/** Cairn's own store: an embedded PGlite directory, or a shared PostgreSQL. */
export interface Store {
  db: PrismaClient;
  kind: "embedded" | "postgresql";
  /** Data directory, or the PostgreSQL URL's host/database (never its password). */
  location: string;
  /**
   * Raw SQL on the store's own connections, for the job queue (lib/jobs): a small pool of its own
   * on PostgreSQL, so polling workers never wait behind the app's queries; the one session embedded.
   */
  sql: JobSql;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  databaseUrl?: string;
  dataDir?: string;
}

/**
 * PostgreSQL's page cache inside the embedded store. PGlite keeps PostgreSQL's default of 128MB, and
 * its WebAssembly memory touches all of it at start and never gives memory back: ~90 MB of the
 * server's resident memory (bench:memory). The store's files are read through the operating system,
 * whose page cache still holds them; a 5,000-revision project's store is ~15 MB. Measured with
 * bench:overview (20 environments × 2,000 revisions) beside 128MB: no slower.
 */
const EMBEDDED_SHARED_BUFFERS = "16MB";

/**
 * The embedded session as Prisma and the job queue use it: for background work (lib/server/background.ts)
 * the event loop turns before each query, transaction and script, so requests that arrive while a job or a
 * summary works are taken between its queries. Measured on a first graph visit after start-up
 * (docs/benchmarks.md, graph page): the job queue's first schema-read sweep held the loop 380 ms.
 */
function yieldingForBackground(pglite: PGlite): PGlite {
  const query: PGlite["query"] = async (...a) => {
    if (isBackground()) await nextTurn();
    return pglite.query(...a);
  };
  const exec: PGlite["exec"] = async (...a) => {
    if (isBackground()) await nextTurn();
    return pglite.exec(...a);
  };
  const transaction: PGlite["transaction"] = async (...a) => {
    if (isBackground()) await nextTurn();
    return pglite.transaction(...a);
  };
  const own: Record<PropertyKey, unknown> = { query, exec, transaction };
  // PGlite keeps its state in private fields: every other method is called on the instance itself.
  return new Proxy(pglite, {
    get(target, key) {
      if (Object.hasOwn(own, key)) return own[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Opens the store and brings its schema up to date. Tests call this directly with their own database. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) {
    const { default: pg } = await import("pg");
    // Migrations run on one connection of their own: the advisory lock that serialises instances
    // starting together is per session, and is gone when the connection closes.
    const session = new pg.Client({ connectionString: options.databaseUrl });
    await session.connect();
    try {
      await applyMigrations({ query: (sql, params) => session.query(sql, params), exec: (script) => session.query(script) });
      await installJobQueue({ executeSql: (text, values) => (values?.length ? session.query(text, values) : session.query(text)) });
    } finally {
      await session.end();
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const adapter = new PrismaPg({ connectionString: options.databaseUrl, max: 10 });
    const db = new PrismaClient({ adapter });
    // 3 connections: one per polling worker at most at once; connected only when the queue first asks.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 3, application_name: "cairn-jobs" });
    pool.on("error", (e) => console.error(`[cairn] job queue connection: ${e.message}`));
    const u = new URL(options.databaseUrl);
    return {
      db,
      kind: "postgresql",
      location: `${u.hostname}:${u.port || 5432}${u.pathname}`,
      sql: { executeSql: (text, values) => (values?.length ? pool.query(text, values) : pool.query(text)) },
      close: async () => {
        await db.$disconnect();
        await pool.end();
      },
    };
  }
  const dataDir = path.resolve(/*turbopackIgnore: true*/ options.dataDir ?? ".cairn");
  const release = acquireStoreLock(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pglite = new PGlite(path.join(dataDir, "pgdata"), { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
    await pglite.waitReady;
    const session = yieldingForBackground(pglite);
    await applyMigrations({ query: (sql, params) => pglite.query(sql, params), exec: (script) => pglite.exec(script) });
    // PGlite's query takes one statement; a script without parameters goes through exec, answered like pg's.
    const sql: JobSql = {
      executeSql: async (text, values) => {
        if (values?.length) return session.query(text, values);
        const results = await session.exec(text);
        return results.length === 1 ? results[0]! : results;
      },
    };
    await installJobQueue(sql);
    const adapter = new PrismaPGlite(session);
    const db = new PrismaClient({ adapter });
    return {
      db,
      kind: "embedded",
      location: dataDir,
      sql,
      close: async () => {
        await db.$disconnect();
        await pglite.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

const globalStore = globalThis as unknown as { __cairnStore?: Promise<Store> };

/**
 * The process's one store, opened on first use and cached on globalThis (survives dev reloads).
 * Opening only opens: start-up tasks run from instrumentation.ts (lib/server/start-up.ts).
 */
export function getStore(): Promise<Store> {
  if (!globalStore.__cairnStore) {
    const env = serverEnv();
    const opening = openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.CAIRN_DATA_DIR });
    globalStore.__cairnStore = opening;
    opening.catch(() => {
      if (globalStore.__cairnStore === opening) globalStore.__cairnStore = undefined;
    });
  }
  return globalStore.__cairnStore;
}

export async function getDb(): Promise<PrismaClient> {
  return (await getStore()).db;
}
