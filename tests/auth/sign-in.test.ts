import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/tests/support/databases";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { openStore } from "@/lib/db/client";
import { createUser } from "@/lib/auth/create-user";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/hash-password";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";
import { completeFirstRunSetup, isFirstRun } from "@/lib/auth/complete-first-run-setup";
import { findOrCreateOidcUser } from "@/lib/auth/oidc";
import { delayAfter, FREE_ATTEMPTS_PER_ADDRESS, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS, THROTTLE_WINDOW_MS } from "@/lib/auth/login-throttle";
import { clientAddressOf } from "@/lib/auth/request-info";
import * as loginRoute from "@/app/api/auth/login/route";
import * as meRoute from "@/app/api/auth/me/route";
import { BASE, body, ctx, useAppStore } from "@/tests/auth/helpers";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;

beforeAll(async () => {
  delete process.env.CAIRN_ADMIN_EMAIL;
  delete process.env.CAIRN_ADMIN_PASSWORD;
  // The suite plays a deployment behind one reverse proxy that appends the client's address.
  process.env.CAIRN_TRUST_PROXY = "1";
  app = await useAppStore("cairn_auth_signin");
  db = app.db;
});
afterAll(async () => {
  await app?.close();
});

function login(email: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return loginRoute.POST(
    new Request(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9", ...headers },
      body: JSON.stringify({ email, password }),
    }),
  );
}

describe("password hashing", () => {
  it("verifies, differs per user for the same password, and carries its parameters", async () => {
    const a = await hashPassword("same password here");
    const b = await hashPassword("same password here");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword("same password here", a)).toBe(true);
    expect(await verifyPassword("same password herE", a)).toBe(false);
    expect(await verifyPassword("same password here", "garbage")).toBe(false);
    expect(await verifyPassword("x", "scrypt$1073741824$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAA")).toBe(false);
    expect(needsRehash(a)).toBe(false);
    expect(needsRehash(a.replace("$32768$", "$16384$"))).toBe(true);

    const u1 = await createUser(db, { email: "hash1@example.com", password: "same password here", role: "viewer" });
    const u2 = await createUser(db, { email: "hash2@example.com", password: "same password here", role: "viewer" });
    expect(u1.passwordHash).not.toBe(u2.passwordHash);
    expect(await verifyPassword("same password here", u2.passwordHash!)).toBe(true);
  });
});

describe("POST /api/auth/login", () => {
  it("signs in, setting an http-only SameSite=Lax session cookie that authenticates", async () => {
    await createUser(db, { email: "Ana@Example.com", password: "correct horse battery", role: "qa" });
    const res = await login("  ana@example.COM ", "correct horse battery");
    expect(res.status).toBe(200);
    expect((await body(res)).user).toMatchObject({ email: "ana@example.com", role: "qa" });
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^cairn_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = setCookie.split(";")[0]!;
    const me = await meRoute.GET(new Request(`${BASE}/api/auth/me`, { headers: { cookie } }), ctx({}));
    expect((await body(me)).actor).toMatchObject({ kind: "user", email: "ana@example.com", role: "qa" });
  });

  it("marks the cookie Secure behind an https proxy", async () => {
    await createUser(db, { email: "sec@example.com", password: "correct horse battery", role: "viewer" });
    const res = await login("sec@example.com", "correct horse battery", { "x-forwarded-proto": "https" });
    expect(res.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("gives one generic message for an unknown e-mail and a wrong password", async () => {
    const unknown = await login("nobody@example.com", "whatever it is", { "x-forwarded-for": "198.51.100.1" });
    const wrong = await login("hash1@example.com", "not the password", { "x-forwarded-for": "198.51.100.1" });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect((await body(unknown)).error.message).toBe("Wrong e-mail or password.");
    expect((await body(wrong)).error.message).toBe("Wrong e-mail or password.");
  });

  it("refuses a sign-in posted from another site", async () => {
    const res = await login("hash1@example.com", "same password here", { origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  it(`slows down an e-mail from one address after ${FREE_ATTEMPTS_PER_PAIR} failures instead of locking its owner out`, async () => {
    await createUser(db, { email: "bob@example.com", password: "correct horse battery", role: "admin" });
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR; i++) {
      const r = await login("bob@example.com", `wrong ${i}`, { "x-forwarded-for": "192.0.2.1" });
      expect(r.status, `attempt ${i + 1}`).toBe(401);
    }
    const slowed = await login("bob@example.com", "correct horse battery", { "x-forwarded-for": "192.0.2.1" });
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(slowed.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect((await body(slowed)).error.message).toMatch(/^Too many failed sign-ins from here\. Wait 1 second and try again/);
    // The owner, elsewhere, is not locked out by someone else's guesses.
    expect((await login("bob@example.com", "correct horse battery", { "x-forwarded-for": "192.0.2.2" })).status).toBe(200);
    // From the guessing address, once the short delay has passed, the right password works and clears the slow-down.
    const later = new Date(Date.now() + 2000);
    const ok = await signInWithPassword(db, { email: "bob@example.com", password: "correct horse battery", clientAddress: "192.0.2.1" }, later);
    expect(ok.user.email).toBe("bob@example.com");
    expect(await db.loginThrottle.count({ where: { key: { contains: "bob@example.com" }, failures: { gt: 0 } } })).toBe(0);
  });

  it("starts a new count once a window without failures has passed", async () => {
    await createUser(db, { email: "win@example.com", password: "correct horse battery", role: "viewer" });
    const t0 = new Date();
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR - 1; i++) {
      await expect(signInWithPassword(db, { email: "win@example.com", password: "nope" }, t0)).rejects.toThrow(/wrong/);
    }
    const later = new Date(t0.getTime() + THROTTLE_WINDOW_MS + 1000);
    await expect(signInWithPassword(db, { email: "win@example.com", password: "nope" }, later)).rejects.toThrow(/wrong/);
    const row = await db.loginThrottle.findUniqueOrThrow({ where: { key: "pair:win@example.com|-" } });
    expect(row.failures).toBe(1);
    expect(row.lockedUntil).toBeNull();
  });

  it("doubles the delay with every further failure, up to a cap", () => {
    expect(delayAfter(FREE_ATTEMPTS_PER_PAIR - 1, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS)).toBe(0);
    expect(delayAfter(FREE_ATTEMPTS_PER_PAIR, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS)).toBe(1000);
    expect(delayAfter(FREE_ATTEMPTS_PER_PAIR + 1, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS)).toBe(2000);
    expect(delayAfter(FREE_ATTEMPTS_PER_PAIR + 4, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS)).toBe(16000);
    expect(delayAfter(FREE_ATTEMPTS_PER_PAIR + 60, FREE_ATTEMPTS_PER_PAIR, MAX_DELAY_MS)).toBe(MAX_DELAY_MS);
  });

  it("counts atomically: of 40 parallel wrong passwords and the right one, only the free attempts are checked", async () => {
    await createUser(db, { email: "burst@example.com", password: "correct horse battery", role: "admin" });
    const wrong = Array.from({ length: 40 }, (_, i) => login("burst@example.com", `guess ${i}`, { "x-forwarded-for": "198.51.100.40" }));
    const right = login("burst@example.com", "correct horse battery", { "x-forwarded-for": "198.51.100.40" });
    const statuses = await Promise.all([...wrong, right].map(async (p) => (await p).status));
    const checked = statuses.filter((s) => s === 401 || s === 200).length;
    expect(checked).toBe(FREE_ATTEMPTS_PER_PAIR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(41 - FREE_ATTEMPTS_PER_PAIR);
    // The right password got a session only if it was one of the free attempts, never past them.
    if (statuses[40] === 200) expect(statuses.slice(0, 40).filter((s) => s === 401)).toHaveLength(FREE_ATTEMPTS_PER_PAIR - 1);
    else expect(statuses[40]).toBe(429);
    expect(await db.session.count({ where: { user: { email: "burst@example.com" } } })).toBe(statuses[40] === 200 ? 1 : 0);
  });

  it("ignores X-Forwarded-For unless CAIRN_TRUST_PROXY says a proxy sets it: rotating it does not bypass the limit", async () => {
    await createUser(db, { email: "rotate@example.com", password: "correct horse battery", role: "viewer" });
    delete process.env.CAIRN_TRUST_PROXY;
    try {
      for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR; i++) {
        expect((await login("rotate@example.com", "guess", { "x-forwarded-for": `10.9.0.${i}` })).status).toBe(401);
      }
      expect((await login("rotate@example.com", "guess", { "x-forwarded-for": "10.9.0.200" })).status).toBe(429);
      expect((await login("rotate@example.com", "guess", { "x-forwarded-for": "10.9.0.201", "x-real-ip": "10.9.0.202" })).status).toBe(429);
    } finally {
      process.env.CAIRN_TRUST_PROXY = "1";
    }
    // Behind one trusted proxy only the address that proxy appended counts; entries the client wrote before it are ignored.
    await createUser(db, { email: "rotate2@example.com", password: "correct horse battery", role: "viewer" });
    for (let i = 0; i < FREE_ATTEMPTS_PER_PAIR; i++) {
      expect((await login("rotate2@example.com", "guess", { "x-forwarded-for": `10.8.0.${i}, 203.0.113.200` })).status).toBe(401);
    }
    expect((await login("rotate2@example.com", "guess", { "x-forwarded-for": "10.8.0.99, 203.0.113.200" })).status).toBe(429);
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 3.3.3.3" }), 2)).toBe("2.2.2.2");
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "1.1.1.1" }), 0)).toBeUndefined();
  });

  it(`slows a client address after ${FREE_ATTEMPTS_PER_ADDRESS} failures across e-mails`, async () => {
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) {
      expect((await login(`spray${i}@example.com`, "guess", { "x-forwarded-for": "203.0.113.77" })).status).toBe(401);
    }
    const r = await login("hash2@example.com", "same password here", { "x-forwarded-for": "203.0.113.77" });
    expect(r.status).toBe(429);
    // Another address is unaffected.
    expect((await login("hash2@example.com", "same password here", { "x-forwarded-for": "203.0.113.78" })).status).toBe(200);
  });

  it("refuses a disabled account with the same generic message", async () => {
    const u = await createUser(db, { email: "off@example.com", password: "correct horse battery", role: "admin" });
    await db.user.update({ where: { id: u.id }, data: { disabled: true } });
    const r = await login("off@example.com", "correct horse battery", { "x-forwarded-for": "198.51.100.50" });
    expect(r.status).toBe(401);
    expect((await body(r)).error.message).toBe("Wrong e-mail or password.");
  });
});

describe("first run", () => {
  it("bootstraps an admin from the environment once, and /setup only while there is no user", async () => {
    const t = await createTestDatabase("cairn_auth_first");
    const store = await openStore({ databaseUrl: t.url });
    try {
      expect(await isFirstRun(store.db)).toBe(true);
      expect(await ensureBootstrapAdmin(store.db, {})).toBeNull();
      const created = await ensureBootstrapAdmin(store.db, { CAIRN_ADMIN_EMAIL: "Root@Example.com", CAIRN_ADMIN_PASSWORD: "a long admin password" });
      expect(created).toBe("root@example.com");
      expect(await ensureBootstrapAdmin(store.db, { CAIRN_ADMIN_EMAIL: "other@example.com", CAIRN_ADMIN_PASSWORD: "a long admin password" })).toBeNull();
      expect(await store.db.user.count()).toBe(1);
      expect((await store.db.user.findUniqueOrThrow({ where: { email: "root@example.com" } })).role).toBe("admin");
      expect(await isFirstRun(store.db)).toBe(false);
      await expect(completeFirstRunSetup(store.db, { email: "late@example.com", password: "a long admin password" })).rejects.toMatchObject({ code: "not-found" });
      expect(await store.db.auditEvent.count({ where: { action: "user.create", actor: "bootstrap" } })).toBe(1);
    } finally {
      await store.close();
      await t.drop();
    }
  });

  it("first-run setup creates exactly one admin even when two race", async () => {
    const t = await createTestDatabase("cairn_auth_setup");
    const store = await openStore({ databaseUrl: t.url });
    try {
      await expect(completeFirstRunSetup(store.db, { email: "x", password: "short" })).rejects.toThrow();
      const results = await Promise.allSettled([
        completeFirstRunSetup(store.db, { email: "one@example.com", password: "a long admin password" }),
        completeFirstRunSetup(store.db, { email: "two@example.com", password: "a long admin password" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await store.db.user.count()).toBe(1);
      expect((await store.db.user.findFirstOrThrow()).role).toBe("admin");
    } finally {
      await store.close();
      await t.drop();
    }
  });
});

describe("OpenID Connect users", () => {
  it("matches by subject, then by verified e-mail, and creates new users as viewers", async () => {
    const fresh = await findOrCreateOidcUser(db, { sub: "idp|1", email: "New.Person@example.com", emailVerified: true, name: "New Person" });
    expect(fresh).toMatchObject({ email: "new.person@example.com", role: "viewer", oidcSubject: "idp|1", passwordHash: null });
    const again = await findOrCreateOidcUser(db, { sub: "idp|1", email: "changed@example.com" });
    expect(again.id).toBe(fresh.id);

    const local = await createUser(db, { email: "linkme@example.com", password: "correct horse battery", role: "release_manager" });
    const linked = await findOrCreateOidcUser(db, { sub: "idp|2", email: "linkme@example.com", emailVerified: true });
    expect(linked).toMatchObject({ id: local.id, role: "release_manager", oidcSubject: "idp|2" });
    await expect(findOrCreateOidcUser(db, { sub: "idp|3", email: "linkme@example.com", emailVerified: true })).rejects.toMatchObject({ code: "conflict" });
    await expect(findOrCreateOidcUser(db, { sub: "idp|4", email: "unverified@example.com", emailVerified: false })).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(findOrCreateOidcUser(db, { sub: "idp|5" })).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await db.user.findUnique({ where: { email: "unverified@example.com" } })).toBeNull();

    await db.user.update({ where: { id: fresh.id }, data: { disabled: true } });
    await expect(findOrCreateOidcUser(db, { sub: "idp|1" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
