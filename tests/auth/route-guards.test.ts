import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { route } from "@/lib/api/route";
import { hashSecret } from "@/lib/auth/hash-secret";
import * as usersRoute from "@/app/api/admin/users/route";
import * as userRoute from "@/app/api/admin/users/[id]/route";
import * as passwordRoute from "@/app/api/admin/users/[id]/password/route";
import * as tokensRoute from "@/app/api/admin/tokens/route";
import * as tokenRoute from "@/app/api/admin/tokens/[id]/route";
import * as myTokensRoute from "@/app/api/tokens/route";
import * as meRoute from "@/app/api/auth/me/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import { BASE, body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;

beforeAll(async () => {
  app = await useAppStore("cairn_auth_guard");
  db = app.db;
});
afterAll(async () => {
  await app?.close();
});

const noParams = ctx({});

describe("route() on the admin API", () => {
  it("answers 401 to an anonymous request, with a JSON error and no detail leak", async () => {
    const res = await usersRoute.GET(request("GET", "/api/admin/users"), noParams);
    expect(res.status).toBe(401);
    const b = await body(res);
    expect(b.error.code).toBe("unauthenticated");
    expect(b.error.message).toMatch(/sign in/i);
  });

  it("answers 401 to a made-up cookie and a made-up token", async () => {
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: "nope" }), noParams)).status).toBe(401);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token: `cairn_${"x".repeat(43)}` }), noParams)).status).toBe(401);
  });

  it("answers 403 to roles below admin and 200 to an admin", async () => {
    for (const role of ["viewer", "qa", "release_manager"] as const) {
      const u = await signedIn(db, role);
      const res = await usersRoute.GET(request("GET", "/api/admin/users", { cookie: u.cookie }), noParams);
      expect(res.status, role).toBe(403);
      expect((await body(res)).error.message).toMatch(/may not/);
    }
    const admin = await signedIn(db, "admin");
    const res = await usersRoute.GET(request("GET", "/api/admin/users", { cookie: admin.cookie }), noParams);
    expect(res.status).toBe(200);
    const b = await body(res);
    expect(b.users.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(b)).not.toMatch(/passwordHash|scrypt\$/);
  });

  it("refuses a cross-origin POST carrying a valid admin cookie, and one with no Origin at all", async () => {
    const admin = await signedIn(db, "admin");
    const input = { email: "evil@example.com", password: "long enough password", role: "admin" };
    const cross = await usersRoute.POST(request("POST", "/api/admin/users", { cookie: admin.cookie, origin: "https://evil.example", body: input }), noParams);
    expect(cross.status).toBe(403);
    expect((await body(cross)).error.message).toMatch(/another site/);
    const bare = await usersRoute.POST(request("POST", "/api/admin/users", { cookie: admin.cookie, origin: null, body: input }), noParams);
    expect(bare.status).toBe(403);
    const sibling = await usersRoute.POST(request("POST", "/api/admin/users", { cookie: admin.cookie, origin: null, body: input, headers: { "sec-fetch-site": "same-site" } }), noParams);
    expect(sibling.status).toBe(403);
    expect(await db.user.findUnique({ where: { email: "evil@example.com" } })).toBeNull();

    const same = await usersRoute.POST(request("POST", "/api/admin/users", { cookie: admin.cookie, body: { ...input, email: "new@example.com", role: "qa" } }), noParams);
    expect(same.status).toBe(201);
    expect((await body(same)).user).toMatchObject({ email: "new@example.com", role: "qa", hasPassword: true });
    const audit = await db.auditEvent.findFirst({ where: { action: "user.create", actorId: admin.id } });
    expect(audit?.actor).toBe(admin.email);
  });

  it("answers 422 with field issues for bad input", async () => {
    const admin = await signedIn(db, "admin");
    const res = await usersRoute.POST(request("POST", "/api/admin/users", { cookie: admin.cookie, body: { email: "not-an-email", password: "short", role: "boss" } }), noParams);
    expect(res.status).toBe(422);
    const b = await body(res);
    expect(b.error.code).toBe("validation");
    expect(b.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["email", "password", "role"]);
  });

  it("answers 404 for an unknown user and 400 for a body that is not JSON", async () => {
    const admin = await signedIn(db, "admin");
    const missing = await userRoute.PATCH(request("PATCH", "/api/admin/users/x", { cookie: admin.cookie, body: { role: "qa" } }), ctx({ id: "00000000-0000-4000-8000-000000000000" }));
    expect(missing.status).toBe(404);
    const r = new Request(`${BASE}/api/admin/users`, { method: "POST", headers: { cookie: `cairn_session=${admin.cookie}`, origin: BASE }, body: "{not json" });
    const bad = await usersRoute.POST(r, noParams);
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.message).toMatch(/not valid JSON/);
  });

  it("treats admin as a superset of every role list, and 'any' as any signed-in actor", async () => {
    const h = route("runs.request", async ({ actor }) => Response.json({ role: actor.role }));
    const anyH = route("status.read", async () => Response.json({ ok: true }));
    const admin = await signedIn(db, "admin");
    const rm = await signedIn(db, "release_manager");
    const qa = await signedIn(db, "qa");
    expect((await h(request("GET", "/x", { cookie: admin.cookie }), noParams)).status).toBe(200);
    expect((await h(request("GET", "/x", { cookie: rm.cookie }), noParams)).status).toBe(200);
    expect((await h(request("GET", "/x", { cookie: qa.cookie }), noParams)).status).toBe(403);
    expect((await anyH(request("GET", "/x", { cookie: qa.cookie }), noParams)).status).toBe(200);
    expect((await anyH(request("GET", "/x"), noParams)).status).toBe(401);
  });

  it("turns an unexpected error into a generic 500 without its message", async () => {
    const admin = await signedIn(db, "admin");
    const h = route("status.read", async () => {
      throw new Error("password=hunter2 at postgres://secret@db");
    });
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      const res = await h(request("GET", "/x", { cookie: admin.cookie }), noParams);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/hunter2|secret/);
      expect(JSON.parse(text).error.code).toBe("internal");
    } finally {
      console.error = orig;
    }
    expect(errors.length).toBe(1);
  });
});

describe("sessions", () => {
  it("refuses an expired session (absolute and idle) and deletes it", async () => {
    const u = await signedIn(db, "viewer");
    const id = hashSecret(u.cookie);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams)).status).toBe(200);
    await db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams)).status).toBe(401);
    expect(await db.session.findUnique({ where: { id } })).toBeNull();

    const v = await signedIn(db, "viewer");
    await db.session.update({ where: { id: hashSecret(v.cookie) }, data: { lastSeenAt: new Date(Date.now() - 13 * 3600 * 1000) } });
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: v.cookie }), noParams)).status).toBe(401);
  });

  it("reads the user behind a session on every request: a role change or a disabled flag takes effect at once, even with the session row still there", async () => {
    const u = await signedIn(db, "viewer");
    const me = async () => meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams);
    expect(await (await me()).json()).toMatchObject({ actor: { role: "viewer" } });
    await db.user.update({ where: { id: u.id }, data: { role: "release_manager" } });
    expect(await (await me()).json()).toMatchObject({ actor: { role: "release_manager" } });
    await db.user.update({ where: { id: u.id }, data: { disabled: true } });
    expect((await me()).status).toBe(401);
    expect(await db.session.count({ where: { userId: u.id } })).toBe(1);
  });

  it("stores only the SHA-256 of the cookie", async () => {
    const u = await signedIn(db, "viewer");
    expect(await db.session.findUnique({ where: { id: u.cookie } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: hashSecret(u.cookie) } })).not.toBeNull();
  });

  it("sign-out deletes the session and clears the cookie; a cross-site sign-out is refused", async () => {
    const u = await signedIn(db, "viewer");
    const cross = await logoutRoute.POST(request("POST", "/api/auth/logout", { cookie: u.cookie, origin: "https://evil.example" }));
    expect(cross.status).toBe(403);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams)).status).toBe(200);
    const res = await logoutRoute.POST(request("POST", "/api/auth/logout", { cookie: u.cookie }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${BASE}/login`);
    expect(res.headers.get("set-cookie")).toMatch(/^cairn_session=; Path=\/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0$/);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams)).status).toBe(401);
  });

  it("disabling a user ends their sessions and refuses them at once", async () => {
    const admin = await signedIn(db, "admin");
    const target = await signedIn(db, "qa");
    const res = await userRoute.PATCH(request("PATCH", "/api/admin/users/x", { cookie: admin.cookie, body: { disabled: true } }), ctx({ id: target.id }));
    expect(res.status).toBe(200);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: target.cookie }), noParams)).status).toBe(401);
    expect(await db.session.count({ where: { userId: target.id } })).toBe(0);
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, act within their scopes, and stop working the moment they are revoked", async () => {
    const admin = await signedIn(db, "admin");
    const rm = await signedIn(db, "release_manager");
    const created = await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: rm.cookie, body: { name: "ci", scopes: ["status:read", "runs:request"] } }), noParams);
    expect(created.status).toBe(201);
    const { token, summary } = await body(created);
    expect(token).toMatch(/^cairn_[A-Za-z0-9_-]{43}$/);
    expect(summary.prefix).toBe(token.slice(0, 12));
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.tokenHash).toBe(hashSecret(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await body(await tokensRoute.GET(request("GET", "/api/admin/tokens", { cookie: admin.cookie }), noParams));
    expect(JSON.stringify(listed)).not.toContain(token);

    const me = await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams);
    expect(me.status).toBe(200);
    expect((await body(me)).actor).toMatchObject({ kind: "token", userId: rm.id, role: "release_manager", scopes: ["status:read", "runs:request"] });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt).not.toBeNull();

    // A token needs no Origin; it acts as its owner's role (not admin) and only within its scopes.
    const requestRun = route("runs.request", async () => Response.json({ ok: true }));
    const approveRun = route("runs.approve", async () => Response.json({ ok: true }));
    expect((await requestRun(request("POST", "/api/runs", { token, body: {} }), noParams)).status).toBe(200);
    expect((await approveRun(request("POST", "/api/runs/1/approve", { token, body: {} }), noParams)).status).toBe(403);
    expect((await usersRoute.GET(request("GET", "/api/admin/users", { token }), noParams)).status).toBe(403);
    // A mutating route that names no scope refuses every token.
    const adminToken = await body(await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: admin.cookie, body: { name: "adm", scopes: ["status:read", "runs:request", "runs:approve", "signoffs:write"] } }), noParams));
    const viaToken = await usersRoute.POST(request("POST", "/api/admin/users", { token: adminToken.token, body: { email: "t@example.com", password: "long enough password" } }), noParams);
    expect(viaToken.status).toBe(403);
    expect((await body(viaToken)).error.message).toMatch(/cannot be used/);

    const revoke = await tokenRoute.DELETE(request("DELETE", `/api/admin/tokens/${summary.id}`, { cookie: admin.cookie }), ctx({ id: summary.id }));
    expect(revoke.status).toBe(200);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams)).status).toBe(401);
    expect((await requestRun(request("POST", "/api/runs", { token, body: {} }), noParams)).status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: { in: ["token.create", "token.revoke"] }, actorId: admin.id } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "token.create", actorId: rm.id } })).toBe(1);
  });

  it("a viewer's token cannot exceed the viewer role, whatever its scopes", async () => {
    const viewer = await signedIn(db, "viewer");
    const { token } = await body(await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: viewer.cookie, body: { name: "v", scopes: ["runs:request"] } }), noParams));
    const requestRun = route("runs.request", async () => Response.json({ ok: true }));
    expect((await requestRun(request("POST", "/api/runs", { token, body: {} }), noParams)).status).toBe(403);
    // Without status:read it cannot read either.
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams)).status).toBe(403);
  });

  it("a disabled owner's token stops working", async () => {
    const admin = await signedIn(db, "admin");
    const rm = await signedIn(db, "release_manager");
    const { token } = await body(await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: rm.cookie, body: { name: "d", scopes: ["status:read"] } }), noParams));
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams)).status).toBe(200);
    await userRoute.PATCH(request("PATCH", "/x", { cookie: admin.cookie, body: { disabled: true } }), ctx({ id: rm.id }));
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams)).status).toBe(401);
  });

  it("reset password ends the user's sessions and the new password works", async () => {
    const admin = await signedIn(db, "admin");
    const u = await signedIn(db, "qa");
    const short = await passwordRoute.POST(request("POST", "/x", { cookie: admin.cookie, body: { password: "short" } }), ctx({ id: u.id }));
    expect(short.status).toBe(422);
    const res = await passwordRoute.POST(request("POST", "/x", { cookie: admin.cookie, body: { password: "a brand new passphrase" } }), ctx({ id: u.id }));
    expect(res.status).toBe(200);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { cookie: u.cookie }), noParams)).status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: "user.reset-password", actorId: admin.id } })).toBe(1);
  });
});

describe("the permission table drives every route guard", () => {
  it("an admin's status:read token reads status but lists neither users nor tokens (issue 18, low)", async () => {
    const admin = await signedIn(db, "admin");
    const { token } = await body(await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: admin.cookie, body: { name: "poll", scopes: ["status:read"] } }), noParams));
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), noParams)).status).toBe(200);
    for (const res of [await usersRoute.GET(request("GET", "/api/admin/users", { token }), noParams), await tokensRoute.GET(request("GET", "/api/admin/tokens", { token }), noParams)]) {
      expect(res.status).toBe(403);
      const b = await body(res);
      expect(b.error.message).toMatch(/API tokens cannot be used for this action/);
      expect(JSON.stringify(b)).not.toContain(admin.email);
    }
    // The admin's own session still lists both.
    expect((await usersRoute.GET(request("GET", "/api/admin/users", { cookie: admin.cookie }), noParams)).status).toBe(200);
    expect((await tokensRoute.GET(request("GET", "/api/admin/tokens", { cookie: admin.cookie }), noParams)).status).toBe(200);
  });

  it("route(action) applies the action's roles and token scope, naming what is missing", async () => {
    const sign = route("signoffs.write", async () => Response.json({ ok: true }));
    const qa = await signedIn(db, "qa");
    const rm = await signedIn(db, "release_manager");
    expect((await sign(request("POST", "/x", { cookie: qa.cookie, body: {} }), noParams)).status).toBe(200);
    const refused = await sign(request("POST", "/x", { cookie: rm.cookie, body: {} }), noParams);
    expect(refused.status).toBe(403);
    expect((await body(refused)).error.message).toMatch(/^Your role \(Release manager\) may not do this; it needs QA or Admin \(to record or revoke sign-offs\)\./);
    const { token } = await body(await myTokensRoute.POST(request("POST", "/api/tokens", { cookie: qa.cookie, body: { name: "qa", scopes: ["status:read"] } }), noParams));
    const noScope = await sign(request("POST", "/x", { token, body: {} }), noParams);
    expect(noScope.status).toBe(403);
    expect((await body(noScope)).error.message).toMatch(/lacks the "signoffs:write" scope/);
  });
});
