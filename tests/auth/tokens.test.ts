import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import { runExecution } from "@/lib/runs/start-run";
import * as myTokensRoute from "@/app/api/tokens/route";
import * as myTokenRoute from "@/app/api/tokens/[id]/route";
import * as adminTokensRoute from "@/app/api/admin/tokens/route";
import * as adminTokenRoute from "@/app/api/admin/tokens/[id]/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";
import * as meRoute from "@/app/api/auth/me/route";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";

// Issue 18 item 4: one admin must not pass the two-person rule by minting tokens that act as
// other people. A token is created by its owner only and always acts as that one person.

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let fixture: ReturnType<typeof copyFixtureProject> | undefined;
let admin: User, alice: User, bob: User, qa: User;
const P = "tokens-two-person";

beforeAll(async () => {
  app = await useAppStore("cairn_auth_tokens");
  db = app.db;
  fixture = copyFixtureProject(["production"]);
  const seeded = await seedProject(db, { name: P, dir: fixture.dir, envs: [{ name: "production", url: fixture.urls.production!, protected: true }] });
  [admin, alice, bob, qa] = await Promise.all([signedIn(db, "admin"), signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "qa")]);
  // QA signed off a1…e5, so an upgrade to e5 waits only for the second person.
  await db.signOff.create({
    data: { projectId: seeded.project.id, environmentId: seeded.envs[0]!.id, toRevision: "e5", revisions: ["a1", "b2", "c3", "d4", "e5"], userId: qa.id },
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

const none = ctx({});

async function mint(user: User, b: unknown): Promise<Response> {
  return myTokensRoute.POST(request("POST", "/api/tokens", { cookie: user.cookie, body: b }), none);
}

describe("API tokens are created by their owner only", () => {
  it("refuses an admin minting a token that acts as someone else (library and route)", async () => {
    const actor = { kind: "user" as const, userId: admin.id, email: admin.email, name: "", role: "admin" as const };
    await expect(createApiToken(db, actor, { name: "as-alice", scopes: ["runs:request"], userId: alice.id })).rejects.toMatchObject({ code: "forbidden" });
    const res = await mint(admin, { name: "as-bob", scopes: ["runs:approve"], userId: bob.id });
    expect(res.status).toBe(403);
    expect((await body(res)).error.message).toMatch(/acts as the person who creates it/);
    expect(await db.apiToken.count({ where: { userId: { in: [alice.id, bob.id] } } })).toBe(0);
  });

  it("lets anyone signed in create, list and revoke their own tokens; a token cannot mint tokens", async () => {
    const created = await mint(alice, { name: "alice-ci", scopes: ["status:read", "runs:request"] });
    expect(created.status).toBe(201);
    const { token, summary } = await body(created);
    expect(summary).toMatchObject({ userId: alice.id, userEmail: alice.email });
    expect((await body(await meRoute.GET(request("GET", "/api/auth/me", { token }), none))).actor).toMatchObject({ kind: "token", userId: alice.id });

    const mine = await body(await myTokensRoute.GET(request("GET", "/api/tokens", { cookie: alice.cookie }), none));
    expect(mine.tokens.map((t: { id: string }) => t.id)).toEqual([summary.id]);
    // Bob sees none of Alice's tokens and cannot revoke them.
    expect((await body(await myTokensRoute.GET(request("GET", "/api/tokens", { cookie: bob.cookie }), none))).tokens).toEqual([]);
    expect((await myTokenRoute.DELETE(request("DELETE", `/api/tokens/${summary.id}`, { cookie: bob.cookie }), ctx({ id: summary.id }))).status).toBe(404);
    // A token, whatever its scopes, is not a person: it cannot create another one.
    const viaToken = await myTokensRoute.POST(request("POST", "/api/tokens", { token, body: { name: "child", scopes: ["status:read"] } }), none);
    expect(viaToken.status).toBe(403);

    expect((await myTokenRoute.DELETE(request("DELETE", `/api/tokens/${summary.id}`, { cookie: alice.cookie }), ctx({ id: summary.id }))).status).toBe(200);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), none)).status).toBe(401);
  });

  it("an admin lists and revokes anyone's token but creates none through the admin API", async () => {
    const { token, summary } = await body(await mint(bob, { name: "bob-ci", scopes: ["status:read"] }));
    const listed = await body(await adminTokensRoute.GET(request("GET", "/api/admin/tokens", { cookie: admin.cookie }), none));
    expect(listed.tokens.some((t: { id: string }) => t.id === summary.id)).toBe(true);
    expect("POST" in adminTokensRoute).toBe(false);
    expect((await adminTokenRoute.DELETE(request("DELETE", `/api/admin/tokens/${summary.id}`, { cookie: admin.cookie }), ctx({ id: summary.id }))).status).toBe(200);
    expect((await meRoute.GET(request("GET", "/api/auth/me", { token }), none)).status).toBe(401);
  });
});

describe("the two-person rule compares people, not tokens", () => {
  it("an admin holding a runs:request and a runs:approve token of their own cannot approve their own run", async () => {
    const requester = (await body(await mint(admin, { name: "req", scopes: ["runs:request"] }))).token;
    const approver = (await body(await mint(admin, { name: "appr", scopes: ["runs:approve"] }))).token;
    const requested = await envRunsRoute.POST(
      request("POST", `/api/projects/${P}/envs/production/runs`, { token: requester, body: { kind: "upgrade", target: "e5", typedConfirmation: "production" } }),
      ctx({ project: P, env: "production" }),
    );
    const r = await body(requested);
    expect(requested.status, JSON.stringify(r)).toBe(202);
    expect(r.status).toBe("awaiting_approval");

    const self = await approveRoute.POST(request("POST", `/api/runs/${r.runId}/approve`, { token: approver, body: {} }), ctx({ id: r.runId }));
    expect(self.status).toBe(403);
    expect((await body(self)).error.message).toMatch(/You requested this run, so you cannot approve it too/);
    expect((await db.run.findUniqueOrThrow({ where: { id: r.runId } })).status).toBe("awaiting_approval");
    expect(await db.auditEvent.count({ where: { runId: r.runId, action: "run.approve" } })).toBe(0);

    // A second person (Bob, with his own token) can.
    const bobs = (await body(await mint(bob, { name: "bob-approve", scopes: ["runs:approve"] }))).token;
    const ok = await approveRoute.POST(request("POST", `/api/runs/${r.runId}/approve`, { token: bobs, body: {} }), ctx({ id: r.runId }));
    expect(ok.status).toBe(202);
    await runExecution(r.runId);
    expect((await db.run.findUniqueOrThrow({ where: { id: r.runId } })).approvedById).toBe(bob.id);
  }, 90_000);
});

describe("tokens minted for someone else before tokens were owner-only", () => {
  it("are revoked by revokeTokensCreatedForOthers, which keeps everyone's own tokens", async () => {
    const { revokeTokensCreatedForOthers } = await import("@/lib/auth/manage-api-tokens");
    const { recordAudit } = await import("@/lib/audit/record-audit");
    // As the old admin API left it: a token owned by Alice whose creation the audit trail puts on the admin.
    const legacy = await db.apiToken.create({ data: { name: "legacy-as-alice", prefix: "cairn_legacy", tokenHash: "f".repeat(64), userId: alice.id, scopes: ["runs:request"] } });
    await recordAudit(db, { actor: { userId: admin.id, email: admin.email }, action: "token.create", outcome: "ok", details: { tokenId: legacy.id, owner: alice.email } });
    const own = (await body(await mint(alice, { name: "alice-own", scopes: ["status:read"] }))).summary;

    expect(await revokeTokensCreatedForOthers(db)).toBe(1);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: legacy.id } })).revokedAt).not.toBeNull();
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: own.id } })).revokedAt).toBeNull();
    expect(await revokeTokensCreatedForOthers(db)).toBe(0);
  });
});
