import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { resolveSignOffRange } from "@/lib/signoffs/resolve-signoff-range";
import { signOffsByRevision } from "@/lib/signoffs/signoffs-by-revision";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade } from "@/tests/signoffs/support";
import * as signoffsRoute from "@/app/api/projects/[project]/signoffs/route";
import * as revokeRoute from "@/app/api/projects/[project]/signoffs/[id]/revoke/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let qa: User, admin: User, viewer: User, rm: User;
const P = "signoff-shop";

const post = (user: User | undefined, b: unknown) => signoffsRoute.POST(request("POST", `/api/projects/${P}/signoffs`, { cookie: user?.cookie, body: b }), ctx({ project: P }));
const revoke = (user: User | undefined, id: string, b: unknown) => revokeRoute.POST(request("POST", `/api/projects/${P}/signoffs/${id}/revoke`, { cookie: user?.cookie, body: b }), ctx({ project: P, id }));
const list = (user: User | undefined) => signoffsRoute.GET(request("GET", `/api/projects/${P}/signoffs`, { cookie: user?.cookie }), ctx({ project: P }));

beforeAll(async () => {
  app = await useAppStore("cairn_signoffs");
  db = app.db;
  fixture = copyFixtureProject(["qa", "staging"]);
  // Real Alembic: qa at d4 plus the reports branch (g7), staging at b2.
  alembicUpgrade(fixture.dir, fixture.urls.qa!, "d4");
  alembicUpgrade(fixture.dir, fixture.urls.qa!, "g7");
  alembicUpgrade(fixture.dir, fixture.urls.staging!, "b2");
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "staging", url: fixture.urls.staging! },
    ],
  });
  [qa, admin, viewer, rm] = await Promise.all([signedIn(db, "qa"), signedIn(db, "admin"), signedIn(db, "viewer"), signedIn(db, "release_manager")]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("resolveSignOffRange (the fixture's real graph)", () => {
  it("covers ancestors of toRevision that are not fromRevision or below it, oldest first", () => {
    const { graph } = readProjectGraph(fixture.dir);
    expect(resolveSignOffRange(graph, "a1", "d4")).toEqual(["b2", "c3", "d4"]);
    expect(resolveSignOffRange(graph, null, "b2")).toEqual(["a1", "b2"]);
    expect(resolveSignOffRange(graph, "c3", "g7")).toEqual(["g7"]);
    // A merge covers both branches down to the lower bound; reports@head is that merge, as Alembic resolves it.
    expect(resolveSignOffRange(graph, "c3", "h8").sort()).toEqual(["d4", "e5", "g7", "h8"]);
    expect(resolveSignOffRange(graph, "c3", "reports@head").sort()).toEqual(["d4", "e5", "g7", "h8"]);
    expect(() => resolveSignOffRange(graph, "d4", "b2")).toThrow(expect.objectContaining({ userMessage: expect.stringMatching(/^The range d4..b2 covers no revision/) }));
    expect(() => resolveSignOffRange(graph, null, "zz99")).toThrow(expect.objectContaining({ userMessage: expect.stringMatching(/^toRevision "zz99" cannot be resolved: Can't locate revision identified by 'zz99'/) }));
  });

  it("signOffsByRevision indexes active and revoked sign-offs per revision", () => {
    const m = signOffsByRevision([
      { id: "s1", environment: "qa", revisions: ["a1", "b2"], revokedAt: null },
      { id: "s2", environment: "qa", revisions: ["b2"], revokedAt: "2025-01-01T00:00:00Z" },
    ]);
    expect(m.get("a1")?.active.map((s) => s.id)).toEqual(["s1"]);
    expect(m.get("b2")?.active.map((s) => s.id)).toEqual(["s1"]);
    expect(m.get("b2")?.revoked.map((s) => s.id)).toEqual(["s2"]);
    expect(m.has("c3")).toBe(false);
  });
});

describe("POST /api/projects/:project/signoffs", () => {
  it("refuses anonymous (401), viewers and release managers (403), and tokens lacking the scope", async () => {
    const b = { environment: "qa", toRevision: "d4", note: "x" };
    expect((await post(undefined, b)).status).toBe(401);
    for (const u of [viewer, rm]) {
      const res = await post(u, b);
      expect(res.status).toBe(403);
      expect((await body(res)).error.message).toMatch(/may not do this; it needs QA or Admin/);
    }
    const id = "00000000-0000-0000-0000-000000000000";
    expect((await revoke(undefined, id, { reason: "nope" })).status).toBe(401);
    expect((await revoke(viewer, id, { reason: "nope" })).status).toBe(403);
    expect((await revoke(rm, id, { reason: "nope" })).status).toBe(403);
    expect(await db.signOff.count()).toBe(0);
  });

  it("records the resolved range with its audit row, then takes a baseline", async () => {
    const res = await post(qa, { environment: "qa", fromRevision: "a1", toRevision: "d4", note: "checkout verified on qa" });
    expect(res.status).toBe(201);
    const out = await body(res);
    expect(out.signOff).toMatchObject({ environment: "qa", fromRevision: "a1", toRevision: "d4", revisions: ["b2", "c3", "d4"], note: "checkout verified on qa" });
    const row = await db.signOff.findUniqueOrThrow({ where: { id: out.signOff.id } });
    expect(row.revisions).toEqual(["b2", "c3", "d4"]);
    expect(row.userId).toBe(qa.id);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "signoff.create" } });
    expect(audit).toMatchObject({ actor: qa.email, actorId: qa.id, environment: "qa", fromRevision: "a1", toRevision: "d4", outcome: "ok" });
    expect(audit.details).toMatchObject({ signOffId: row.id, revisions: ["b2", "c3", "d4"] });
    // The baseline for qa's revisions (d4 + g7), source "signoff".
    expect(out.baseline).toMatchObject({ environment: "qa", source: "signoff" });
    expect([...out.baseline.revisions].sort()).toEqual(["d4", "g7"]);
    const b = await db.schemaBaseline.findFirstOrThrow({ where: { source: "signoff" } });
    expect(b.revisionKey).toBe("d4,g7");
    expect(b.createdById).toBe(qa.id);
  });

  it("accepts the e2e body shape (fromRevision null = from base), from an admin too", async () => {
    const res = await post(admin, { environment: "qa", fromRevision: null, toRevision: "g7", note: "" });
    expect(res.status).toBe(201);
    expect((await body(res)).signOff.revisions).toEqual(["a1", "b2", "c3", "g7"]);
  });

  it("refuses revisions not applied on that environment, naming them and where it stands", async () => {
    const res = await post(qa, { environment: "staging", fromRevision: "a1", toRevision: "d4", note: "" });
    expect(res.status).toBe(409);
    expect((await body(res)).error.message).toBe("You can only sign off what is applied on staging: c3 and d4 are not applied there (it is at b2). Upgrade staging first, or sign off a range that ends at its current revision.");
    const heads = await post(qa, { environment: "qa", fromRevision: "c3", toRevision: "heads", note: "" });
    expect(heads.status).toBe(409);
    const message: string = (await body(heads)).error.message;
    // Parallel branches have no inherent order; the three missing revisions are named, in some order.
    const m = /^You can only sign off what is applied on qa: (\w+), (\w+) and (\w+) are not applied there \(it is at d4, g7\)\./.exec(message);
    expect([m?.[1], m?.[2], m?.[3]].sort()).toEqual(["e5", "f6", "h8"]);
    expect(await db.signOff.count({ where: { environment: { name: "staging" } } })).toBe(0);
  });

  it("validates input with messages naming the field", async () => {
    const missing = await post(qa, { environment: "qa", note: "" });
    expect(missing.status).toBe(422);
    expect((await body(missing)).error.message).toMatch(/toRevision/);
    const unknown = await post(qa, { environment: "qa", toRevision: "nope1234", note: "" });
    expect(unknown.status).toBe(422);
    expect((await body(unknown)).error.message).toMatch(/toRevision "nope1234" cannot be resolved/);
    const noEnv = await post(qa, { environment: "prod", toRevision: "d4", note: "" });
    expect(noEnv.status).toBe(404);
    expect((await body(noEnv)).error.message).toBe(`Project "${P}" has no environment named "prod".`);
  });
});

describe("revoke and list", () => {
  it("revokes with a reason (audited), once; the list shows who and why; viewers may read it", async () => {
    const s = await db.signOff.findFirstOrThrow({ where: { toRevision: "d4" } });
    const noReason = await revoke(qa, s.id, { reason: " " });
    expect(noReason.status).toBe(422);
    expect((await body(noReason)).error.message).toMatch(/Say why you revoke this sign-off/);
    const ok = await revoke(qa, s.id, { reason: "found a bug in c3 checkout" });
    expect(ok.status).toBe(200);
    expect((await db.signOff.findUniqueOrThrow({ where: { id: s.id } })).revokedAt).not.toBeNull();
    const again = await revoke(admin, s.id, { reason: "again, twice" });
    expect(again.status).toBe(409);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "signoff.revoke" } });
    expect(audit).toMatchObject({ actor: qa.email, environment: "qa", toRevision: "d4" });
    expect(audit.details).toMatchObject({ signOffId: s.id, reason: "found a bug in c3 checkout" });
    expect(await db.auditEvent.count({ where: { action: "signoff.revoke" } })).toBe(1);

    expect((await list(undefined)).status).toBe(401);
    const res = await list(viewer);
    expect(res.status).toBe(200);
    const { signOffs } = await body(res);
    expect(signOffs).toHaveLength(2);
    const revoked = signOffs.find((x: { id: string }) => x.id === s.id);
    expect(revoked).toMatchObject({ revokeReason: "found a bug in c3 checkout", revokedBy: qa.email, signedBy: { email: qa.email } });
    const byRev = signOffsByRevision(signOffs as { id: string; environment: string; revisions: string[]; revokedAt: string | null }[]);
    expect(byRev.get("c3")?.active).toHaveLength(1);
    expect(byRev.get("c3")?.revoked).toHaveLength(1);
    expect(byRev.get("d4")?.active).toHaveLength(0);
  });
});
