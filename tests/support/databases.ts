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

export function pgUrl(database: string, base: string = PG_ADMIN_URL): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates a fresh, uniquely named PostgreSQL database; returns its URL and a drop function. */
export async function createTestDatabase(prefix = "cairn_test"): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  assertLocal(PG_ADMIN_URL);
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: pgUrl(name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
