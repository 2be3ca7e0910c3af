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
import { MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_EMAIL, THROTTLE_WINDOW_MS } from "@/lib/auth/login-throttle";
import * as loginRoute from "@/app/api/auth/login/route";
import * as meRoute from "@/app/api/auth/me/route";
import { BASE, body, ctx, useAppStore } from "@/tests/auth/helpers";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;

beforeAll(async () => {
  delete process.env.CAIRN_ADMIN_EMAIL;
  delete process.env.CAIRN_ADMIN_PASSWORD;
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

  it(`locks an e-mail after ${MAX_FAILURES_PER_EMAIL} failures, naming the time left, even for the right password`, async () => {
    await createUser(db, { email: "bob@example.com", password: "correct horse battery", role: "viewer" });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      const r = await login("bob@example.com", `wrong ${i}`, { "x-forwarded-for": `192.0.2.${i}` });
      expect(r.status, `attempt ${i + 1}`).toBe(401);
    }
    const locked = await login("bob@example.com", "correct horse battery", { "x-forwarded-for": "192.0.2.99" });
    expect(locked.status).toBe(423);
    expect((await body(locked)).error.message).toMatch(/Too many failed sign-ins\. Try again in 15 minutes/);
    const row = await db.loginThrottle.findUniqueOrThrow({ where: { key: "email:bob@example.com" } });
    expect(row.failures).toBe(MAX_FAILURES_PER_EMAIL);
    expect(Math.abs(row.lockedUntil!.getTime() - (Date.now() + 15 * 60_000))).toBeLessThan(60_000);
    // After the lock (simulated clock), the right password works and clears the counter.
    const later = new Date(row.lockedUntil!.getTime() + 1000);
    const ok = await signInWithPassword(db, { email: "bob@example.com", password: "correct horse battery" }, later);
    expect(ok.user.email).toBe("bob@example.com");
    expect(await db.loginThrottle.findUnique({ where: { key: "email:bob@example.com" } })).toBeNull();
  });

  it("starts a new window once the old one has passed", async () => {
    await createUser(db, { email: "win@example.com", password: "correct horse battery", role: "viewer" });
    const t0 = new Date();
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL - 1; i++) {
      await expect(signInWithPassword(db, { email: "win@example.com", password: "nope" }, t0)).rejects.toThrow(/wrong/);
    }
    const later = new Date(t0.getTime() + THROTTLE_WINDOW_MS + 1000);
    await expect(signInWithPassword(db, { email: "win@example.com", password: "nope" }, later)).rejects.toThrow(/wrong/);
    const row = await db.loginThrottle.findUniqueOrThrow({ where: { key: "email:win@example.com" } });
    expect(row.failures).toBe(1);
    expect(row.lockedUntil).toBeNull();
  });

  it(`locks a client address after ${MAX_FAILURES_PER_ADDRESS} failures across e-mails`, async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await login(`spray${i}@example.com`, "guess", { "x-forwarded-for": "203.0.113.77" })).status).toBe(401);
    }
    const r = await login("hash2@example.com", "same password here", { "x-forwarded-for": "203.0.113.77" });
    expect(r.status).toBe(423);
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
