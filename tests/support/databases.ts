import pg from "pg";
import { randomBytes } from "node:crypto";

/** Local PostgreSQL only: the suites refuse anything else. */
export const PG_ADMIN_URL = process.env.CAIRN_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Refusing to run tests against non-local database host ${host}`);
  }
}

/** Runs `fn` on a fresh connection to `url`, closing it whatever happens. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function pgUrl(database: string, base: string = PG_ADMIN_URL): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates a fresh, uniquely named PostgreSQL database; returns its URL and a drop function. */
export async function createTestDatabase(prefix = "cairn_test"): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  assertLocal(PG_ADMIN_URL);
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await withClient(PG_ADMIN_URL, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return {
    url: pgUrl(name),
    name,
    async drop() {
      await withClient(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
