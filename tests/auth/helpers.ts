import { createSession } from "@/lib/auth/create-session";
import { createUser } from "@/lib/auth/create-user";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getStore } from "@/lib/db/client";
import { createTestDatabase } from "@/tests/support/databases";
import type { Role } from "@/lib/generated/prisma/enums";

export const BASE = "http://cairn.test";

type Opts = { cookie?: string; token?: string; origin?: string | null; body?: unknown; headers?: Record<string, string> };

/** A real Request as a browser (cookie + Origin) or a script (bearer token) would send it. */
export function request(method: string, path: string, o: Opts = {}): Request {
  const headers = new Headers(o.headers);
  if (o.cookie) headers.set("cookie", `other=1; cairn_session=${o.cookie}`);
  if (o.token) headers.set("authorization", `Bearer ${o.token}`);
  const mutating = !["GET", "HEAD"].includes(method);
  // Browsers send Origin on every non-GET fetch/form post; default to ours.
  if (o.origin !== null && (o.origin !== undefined || (mutating && o.cookie))) headers.set("origin", o.origin ?? BASE);
  if (o.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`${BASE}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
}

export function ctx<P>(params: P): { params: Promise<P> } {
  return { params: Promise.resolve(params) };
}

let n = 0;
/** A user of the given role with a live session; returns the session cookie value. */
export async function signedIn(db: PrismaClient, role: Role): Promise<{ id: string; email: string; cookie: string }> {
  const email = `${role}-${++n}-${Date.now()}@example.com`;
  const user = await createUser(db, { email, password: "correct horse battery", role });
  const { token } = await createSession(db, user.id);
  return { id: user.id, email, cookie: token };
}

// Response bodies are asserted field by field; a loose type keeps the assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function body(res: Response): Promise<any> {
  return res.json();
}

/**
 * Points the app at a fresh test database, the way route handlers reach it (getDb() reads
 * DATABASE_URL on first use): call in beforeAll, and `close` in afterAll.
 */
export async function useAppStore(prefix: string): Promise<{ db: PrismaClient; close(): Promise<void> }> {
  const t = await createTestDatabase(prefix);
  process.env.DATABASE_URL = t.url;
  delete process.env.CAIRN_PUBLIC_URL;
  const store = await getStore();
  return {
    db: store.db,
    close: async () => {
      await store.close();
      await t.drop();
    },
  };
}
