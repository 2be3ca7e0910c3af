// Issue 18 item 9: accepting drift on a protected environment is an admin override with a written
// reason, never a side effect of "take baseline now", a sign-off or a run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { planRun } from "@/lib/runs/plan-run";
import { runExecution } from "@/lib/runs/start-run";
import { createTestDatabase, withClient } from "@/tests/support/databases";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade, eventually } from "@/tests/signoffs/support";
import * as baselineRoute from "@/app/api/projects/[project]/envs/[env]/baseline/route";
import * as signoffsRoute from "@/app/api/projects/[project]/signoffs/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
const drops: Array<() => Promise<void>> = [];
let fixture: ReturnType<typeof copyFixtureProject>;
let qaUrl: string, stagingUrl: string;
let rm: User, qa: User, admin: User;
const P = "override-shop";

const sql = (url: string, text: string) => withClient(url, (c) => c.query(text));
const baseline = (user: User, env: string, b?: unknown) => baselineRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/baseline`, { cookie: user.cookie, body: b }), ctx({ project: P, env }));
const baselines = (env: string) => db.schemaBaseline.count({ where: { environment: { name: env, project: { name: P } } } });
const driftGate = async (env: string, user: User) => {
  const plan = await planRun(db, { project: P, environment: env, kind: "upgrade", target: "e5", actor: { kind: "user", userId: user.id, email: user.email, name: "", role: "release_manager" } });
  return plan.gates.find((g) => g.id === "schema-drift")!;
};

beforeAll(async () => {
  app = await useAppStore("cairn_baseline_override");
  db = app.db;
  const [a, b] = await Promise.all([createTestDatabase("cairn_override_qa"), createTestDatabase("cairn_override_staging")]);
  drops.push(a.drop, b.drop);
  qaUrl = a.url;
  stagingUrl = b.url;
  fixture = copyFixtureProject([]);
  alembicUpgrade(fixture.dir, qaUrl, "d4");
  alembicUpgrade(fixture.dir, stagingUrl, "d4");
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: qaUrl },
      { name: "staging", url: stagingUrl, protected: true },
    ],
  });
  [rm, qa, admin] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "qa"), signedIn(db, "admin")]);
}, 90_000);

afterAll(async () => {
  await app?.close();
  for (const d of drops.reverse()) await d().catch(() => {});
  fixture?.remove();
});

describe("take baseline now on a protected environment", () => {
  it("without drift a release manager records it, as before", async () => {
    const res = await baseline(rm, "staging");
    expect(res.status).toBe(201);
    expect((await body(res)).baseline).toMatchObject({ environment: "staging", revisions: ["d4"], source: "manual", acceptedDrift: null });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.record", environment: "staging" } });
    expect(audit).toMatchObject({ actor: rm.email, project: P, outcome: "ok" });
  }, 60_000);

  it("with drift a release manager is refused (audited with the differences) and the drift gate stays red", async () => {
    await sql(stagingUrl, "ALTER TABLE customers ADD COLUMN nickname VARCHAR(20)");
    expect(await driftGate("staging", rm)).toMatchObject({ verdict: "block" });
    const before = await baselines("staging");

    const res = await baseline(rm, "staging");
    expect(res.status).toBe(403);
    expect((await body(res)).error.message).toMatch(/^staging's schema differs from its baseline and qa at the same revision in 1 place\. staging is protected: .* only an admin may record one, with a written reason\./);
    expect(await baselines("staging")).toBe(before);
    expect(await driftGate("staging", rm)).toMatchObject({ verdict: "block" });

    const refused = await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.accept-drift", outcome: "refused", environment: "staging" } });
    expect(refused).toMatchObject({ actor: rm.email, project: P });
    expect(refused.details).toMatchObject({
      protected: true,
      against: ["its baseline", "qa at the same revision"],
      differenceCount: 1,
      differences: ["column customers.nickname only on staging"],
    });
  }, 60_000);

  it("an admin needs a written reason; with one the drift is accepted, audited with the reason and every difference", async () => {
    for (const b of [undefined, {}, { reason: "ok" }]) {
      const res = await baseline(admin, "staging", b);
      expect(res.status).toBe(422);
      expect((await body(res)).error.message).toMatch(/needs a written reason of at least 10 characters/);
    }
    expect(await db.auditEvent.count({ where: { action: "baseline.accept-drift", outcome: "refused", actor: admin.email } })).toBe(3);

    const reason = "nickname was added by hand during incident 42 and is kept; migration follows";
    const res = await baseline(admin, "staging", { reason });
    expect(res.status).toBe(201);
    const taken = (await body(res)).baseline;
    expect(taken.acceptedDrift).toEqual({ against: ["its baseline", "qa at the same revision"], differences: ["column customers.nickname only on staging"] });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.accept-drift", outcome: "ok" } });
    expect(audit).toMatchObject({ actor: admin.email, environment: "staging", project: P, toRevision: "d4" });
    expect(audit.details).toMatchObject({ reason, protected: true, differenceCount: 1, baselineId: taken.id, source: "manual" });
    // Accepted: staging matches its baseline again, and the difference with qa is now qa's (it has no baseline to say otherwise).
    expect(await driftGate("staging", rm)).toMatchObject({ verdict: "pass" });
  }, 60_000);
});

describe("drift is never adopted by itself", () => {
  it("on an environment that is not protected a release manager may accept it, and the audit lists what was accepted", async () => {
    await sql(qaUrl, "CREATE INDEX ix_customers_name_by_hand ON customers (name)");
    const res = await baseline(rm, "qa");
    expect(res.status).toBe(201);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.accept-drift", outcome: "ok", environment: "qa" } });
    expect(audit).toMatchObject({ actor: rm.email });
    expect(audit.details).toMatchObject({ protected: false, differenceCount: 2 });
    await sql(qaUrl, "DROP INDEX ix_customers_name_by_hand");
  }, 60_000);

  it("a sign-off on a drifted environment records the sign-off but no baseline, and says why", async () => {
    // qa now differs from the baseline just accepted (index dropped) and from staging (nickname).
    const before = await baselines("qa");
    const res = await signoffsRoute.POST(request("POST", `/api/projects/${P}/signoffs`, { cookie: qa.cookie, body: { environment: "qa", fromRevision: null, toRevision: "d4", note: "checked" } }), ctx({ project: P }));
    expect(res.status).toBe(201);
    const out = await body(res);
    expect(out.baseline.error).toMatch(/^No baseline was recorded: qa's schema differs from .* Cairn never adopts drift by itself/);
    expect(await baselines("qa")).toBe(before);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "baseline.skip", environment: "qa" } })).toMatchObject({ outcome: "skipped", actor: qa.email });
  }, 60_000);

  it("a successful run that started drifted records no baseline: the drift stays visible and the run's audit says so", async () => {
    const res = await envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie: rm.cookie, body: { kind: "upgrade", target: "e5" } }), ctx({ project: P, env: "qa" }));
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    expect((await runExecution(runId))?.status).toBe("succeeded");
    const skipped = await eventually(() => db.auditEvent.findFirst({ where: { action: "baseline.skip", runId } }));
    expect(skipped).toMatchObject({ actor: "cairn", environment: "qa", outcome: "skipped", project: P });
    expect(skipped.details).toMatchObject({ source: "run", message: expect.stringMatching(/^No baseline was recorded after this run: before it ran, qa's schema differed from .* in \d+ places?/) });
    expect(await db.schemaBaseline.count({ where: { environment: { name: "qa" }, revisionKey: "e5" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: { startsWith: "baseline.record" }, runId } })).toBe(0);
  }, 90_000);
});
