import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { runExecution } from "@/lib/runs/start-run";
import { createTarget, type Target } from "@/tests/runner/support";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject, sqliteRevisions, sqliteTables } from "@/tests/runs-api/support";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as runsRoute from "@/app/api/runs/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";
import * as rejectRoute from "@/app/api/runs/[id]/reject/route";
import * as logRoute from "@/app/api/runs/[id]/log/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, bob: User, viewer: User, qa: User, admin: User;
let stagingId: string;
let projectId: string;

const P = "shop-api";
const envParams = (env: string) => ctx({ project: P, env });
const idParams = (id: string) => ctx({ id });

async function plan(user: User, env: string, b: unknown) {
  return planRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs/plan`, { cookie: user.cookie, body: b }), envParams(env));
}
async function requestRun(user: User, env: string, b: unknown) {
  return envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs`, { cookie: user.cookie, body: b }), envParams(env));
}
async function approve(user: User, id: string) {
  return approveRoute.POST(request("POST", `/api/runs/${id}/approve`, { cookie: user.cookie, body: {} }), idParams(id));
}
/** Waits for the fire-and-forget execution the route started, then returns the stored run. */
async function finished(runId: string) {
  await runExecution(runId);
  return db.run.findUniqueOrThrow({ where: { id: runId } });
}
const gate = (gates: { id: string; verdict: string }[], id: string) => gates.find((g) => g.id === id);

beforeAll(async () => {
  app = await useAppStore("cairn_runs_api");
  db = app.db;
  fixture = copyFixtureProject(["qa", "staging", "production"]);
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "staging", url: fixture.urls.staging! },
      { name: "production", url: fixture.urls.production!, protected: true },
    ],
  });
  projectId = seeded.project.id;
  stagingId = seeded.envs[1]!.id;
  [alice, bob, viewer, qa, admin] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "viewer"), signedIn(db, "qa"), signedIn(db, "admin")]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("guards on every mutating route", () => {
  it("answers 401 to anonymous and 403 to viewer and QA", async () => {
    const runId = "00000000-0000-0000-0000-000000000000";
    const calls: Array<(cookie?: string) => Promise<Response>> = [
      (cookie) => planRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs/plan`, { cookie, body: { kind: "upgrade" } }), envParams("qa")),
      (cookie) => envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie, body: { kind: "upgrade" } }), envParams("qa")),
      (cookie) => approveRoute.POST(request("POST", `/api/runs/${runId}/approve`, { cookie, body: {} }), idParams(runId)),
      (cookie) => rejectRoute.POST(request("POST", `/api/runs/${runId}/reject`, { cookie, body: { reason: "no" } }), idParams(runId)),
    ];
    for (const [i, call] of calls.entries()) {
      expect((await call()).status, `route ${i} anonymous`).toBe(401);
      for (const u of [viewer, qa]) {
        const res = await call(u.cookie);
        expect(res.status, `route ${i} ${u.email}`).toBe(403);
        expect((await body(res)).error.message).toMatch(/may not do this/);
      }
    }
    // Reads: anonymous refused, viewer allowed.
    expect((await runsRoute.GET(request("GET", "/api/runs"), ctx({}))).status).toBe(401);
    expect((await runsRoute.GET(request("GET", "/api/runs", { cookie: viewer.cookie }), ctx({}))).status).toBe(200);
    expect(await db.run.count()).toBe(0);
  });

  it("validates input with a message naming the field", async () => {
    const res = await plan(alice, "qa", { kind: "sideways" });
    expect(res.status).toBe(422);
    expect((await body(res)).error.message).toMatch(/kind/);
    const down = await plan(alice, "qa", { kind: "downgrade" });
    expect(down.status).toBe(422);
    expect((await body(down)).error.message).toMatch(/Choose the revision to downgrade to/);
    const unknown = await plan(alice, "nope", { kind: "upgrade" });
    expect(unknown.status).toBe(404);
  });
});

describe("promotion qa → staging → production through every gate", () => {
  it("upgrades qa for real, and refuses to promote what qa does not hold", async () => {
    const early = await plan(alice, "staging", { kind: "promotion" });
    expect(early.status).toBe(400);
    expect((await body(early)).error.message).toMatch(/qa has no revision applied/);

    const p = await body(await plan(alice, "qa", { kind: "upgrade", target: "e5" }));
    expect(p.from).toEqual([]);
    expect(p.target).toBe("e5");
    expect(p.path.steps.map((s: { revision: string }) => s.revision)).toEqual(["a1", "b2", "c3", "d4", "e5"]);
    expect(p.path.steps[0].message).toBe("create customers");
    expect(p.sqlPreview).toMatch(/CREATE TABLE customers/);
    expect(p.canRequest).toBe(true);
    expect(p.needsApproval).toBe(false);
    expect(p.gates).toHaveLength(13);

    const res = await requestRun(alice, "qa", { kind: "upgrade", target: "e5" });
    expect(res.status).toBe(202);
    const { runId, status } = await body(res);
    expect(status).toBe("queued");
    const run = await finished(runId);
    expect(run.status).toBe("succeeded");
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["e5"]);
    expect(sqliteTables(fixture.urls.qa!)).toContain("order_statuses");
  }, 60_000);

  it("promotes qa → staging in one click: the target is what qa holds", async () => {
    const p = await body(await plan(alice, "staging", { kind: "promotion" }));
    expect(p.previousEnvironment).toEqual({ name: "qa", revisions: ["e5"] });
    expect(p.target).toBe("e5");
    expect(gate(p.gates, "promotion-order")).toMatchObject({ verdict: "pass", reason: "e5 was applied successfully on qa." });
    expect(p.canRequest).toBe(true);
    const res = await requestRun(alice, "staging", { kind: "promotion" });
    expect(res.status).toBe(202);
    const run = await finished((await body(res)).runId);
    expect(run).toMatchObject({ status: "succeeded", kind: "promotion", target: "e5" });
    expect(sqliteRevisions(fixture.urls.staging!)).toEqual(["e5"]);
  }, 60_000);

  it("production: plan shows the blocks, sign-off and typed confirmation are enforced, the requester cannot approve, a second release manager can", async () => {
    const p = await body(await plan(alice, "production", { kind: "promotion" }));
    expect(p.needsApproval).toBe(true);
    expect(p.canRequest).toBe(false);
    expect(gate(p.gates, "sign-off")).toMatchObject({ verdict: "block" });
    expect(gate(p.gates, "typed-confirmation")).toMatchObject({ verdict: "needs-input", unblock: 'Type "production" in the confirmation box.' });
    expect(gate(p.gates, "two-person")).toMatchObject({ verdict: "needs-input" });

    // Typed, but no sign-off: refused with the reasons, nothing stored.
    const noSignOff = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "production" });
    expect(noSignOff.status).toBe(409);
    const refused = await body(noSignOff);
    expect(refused.error.code).toBe("gate-refused");
    expect(refused.error.message).toMatch(/^QA sign-off: production is protected and no QA sign-off covers/);
    expect(gate(refused.gates, "sign-off")?.verdict).toBe("block");
    expect(await db.run.count({ where: { environment: { name: "production" } } })).toBe(0);

    await db.signOff.create({ data: { projectId, environmentId: stagingId, toRevision: "e5", revisions: ["a1", "b2", "c3", "d4", "e5"], userId: qa.id } });

    // Signed off, but the confirmation is missing or wrong.
    const untyped = await requestRun(alice, "production", { kind: "promotion" });
    expect(untyped.status).toBe(409);
    expect((await body(untyped)).error.message).toMatch(/^Typed confirmation: production is protected/);
    const wrong = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "Production" });
    expect((await body(wrong)).error.message).toMatch(/You typed "Production"/);

    const res = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "production" });
    expect(res.status).toBe(202);
    const { runId, status } = await body(res);
    expect(status).toBe("awaiting_approval");
    expect(sqliteRevisions(fixture.urls.production!)).toEqual([]);

    const self = await approve(alice, runId);
    expect(self.status).toBe(403);
    expect((await body(self)).error.message).toMatch(/You requested this run, so you cannot approve it too/);
    expect((await approve(viewer, runId)).status).toBe(403);

    const view = await body(await runRoute.GET(request("GET", `/api/runs/${runId}`, { cookie: bob.cookie }), idParams(runId)));
    expect(view.mayDecide).toBe(true);
    expect(view.run).toMatchObject({ status: "awaiting_approval", environment: "production", requestedBy: { email: alice.email } });

    const ok = await approve(bob, runId);
    expect(ok.status).toBe(202);
    expect(gate((await body(ok)).gates, "two-person")).toMatchObject({ verdict: "pass", reason: `Approved by ${bob.email}, who did not request it.` });
    const run = await finished(runId);
    expect(run.status).toBe("succeeded");
    expect(run.approvedById).toBe(bob.id);
    expect(sqliteRevisions(fixture.urls.production!)).toEqual(["e5"]);
    const audit = await db.auditEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    // Alice's attempt to approve her own request is on record (issue 18: two-person refusals are audited).
    expect(audit.map((a) => a.action)).toEqual(["run.request", "run.approve-refused", "run.approve", "run.started", "run.succeeded"]);

    // Decided runs cannot be decided again.
    expect((await approve(admin, runId)).status).toBe(409);
  }, 90_000);

  it("rejects only with a reason, and only by an approver", async () => {
    await db.signOff.create({ data: { projectId, environmentId: stagingId, toRevision: "e5", revisions: ["e5", "d4"], userId: qa.id } });
    // production at e5: downgrade to d4 awaits approval.
    const res = await requestRun(alice, "production", { kind: "downgrade", target: "d4", typedConfirmation: "production", destructiveConfirmation: ["e5"] });
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    const bad = await rejectRoute.POST(request("POST", `/api/runs/${runId}/reject`, { cookie: bob.cookie, body: { reason: "  " } }), idParams(runId));
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.message).toMatch(/Say why you reject this run/);
    const ok = await rejectRoute.POST(request("POST", `/api/runs/${runId}/reject`, { cookie: bob.cookie, body: { reason: "not during the sale" } }), idParams(runId));
    expect(ok.status).toBe(200);
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "rejected", rejectReason: "not during the sale", rejectedById: bob.id });
    expect(sqliteRevisions(fixture.urls.production!)).toEqual(["e5"]);
  }, 60_000);
});

describe("downgrades, failures and concurrency", () => {
  it("a destructive downgrade needs each flagged migration named, then really changes the database", async () => {
    const p = await body(await plan(alice, "qa", { kind: "downgrade", target: "c3" }));
    expect(p.path.direction).toBe("downgrade");
    expect(p.path.steps.map((s: { revision: string }) => s.revision)).toEqual(["e5", "d4"]);
    const safety = gate(p.gates, "downgrade-safety") as unknown as { verdict: string; reason: string; details: { required: string[] } };
    expect(safety.verdict).toBe("needs-input");
    expect(safety.reason).toMatch(/destroys data/);
    expect(safety.details.required).toContain("e5");
    expect(p.sqlPreview).toMatch(/DROP TABLE order_statuses/);

    const refused = await requestRun(alice, "qa", { kind: "downgrade", target: "c3" });
    expect(refused.status).toBe(409);
    expect((await body(refused)).error.message).toMatch(/^Downgrade safety:/);

    const res = await requestRun(alice, "qa", { kind: "downgrade", target: "c3", destructiveConfirmation: safety.details.required });
    expect(res.status).toBe(202);
    const run = await finished((await body(res)).runId);
    expect(run.status).toBe("succeeded");
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["c3"]);
    expect(sqliteTables(fixture.urls.qa!)).not.toContain("order_statuses");
  }, 60_000);

  it("reports a failing migration with the error's tail", async () => {
    const res = await requestRun(alice, "qa", { kind: "upgrade", target: "f6" });
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    await runExecution(runId);
    const view = (await body(await runRoute.GET(request("GET", `/api/runs/${runId}`, { cookie: viewer.cookie }), idParams(runId)))).run;
    expect(view.status).toBe("failed");
    expect(view.errorTail).toMatch(/no_such_table/);
    expect(view.errorTail).toMatch(/Alembic exited with code 1/);
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["c3"]);
  }, 60_000);

  it("two simultaneous requests on one environment: exactly one runs", async () => {
    const before = await db.run.count({ where: { environment: { name: "qa", projectId } } });
    const [a, b] = await Promise.all([requestRun(alice, "qa", { kind: "upgrade", target: "e5" }), requestRun(bob, "qa", { kind: "upgrade", target: "e5" })]);
    // The loser is refused either while the winner holds the environment (423) or, if the winner
    // already finished, because its plan is stale (409); never queued as a second run.
    expect([a.status, b.status].filter((s) => s === 202)).toHaveLength(1);
    const loserRes = a.status === 202 ? b : a;
    expect([409, 423]).toContain(loserRes.status);
    const loser = await body(loserRes);
    // Busy names the open run, where it starts from and who asked (one open run per environment).
    expect(loser.error.message).toMatch(/^qa (is busy: run \S+ \(upgrade to e5, from [^)]+\) is (queued|running), requested by \S+@example\.com|changed while this request was being planned: run \S+ \(upgrade to e5\))/);
    const winner = await body(a.status === 202 ? a : b);
    expect((await finished(winner.runId)).status).toBe("succeeded");
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["e5"]);
    expect(await db.run.count({ where: { environment: { name: "qa", projectId } } })).toBe(before + 1);
  }, 60_000);

  it("lists runs with filters", async () => {
    const res = await runsRoute.GET(request("GET", `/api/runs?project=${P}&environment=production`, { cookie: viewer.cookie }), ctx({}));
    const { runs } = await body(res);
    expect(runs.map((r: { status: string }) => r.status).sort()).toEqual(["rejected", "succeeded"]);
    const failed = await body(await runsRoute.GET(request("GET", "/api/runs?status=failed", { cookie: viewer.cookie }), ctx({})));
    expect(failed.runs).toHaveLength(1);
    const bad = await runsRoute.GET(request("GET", "/api/runs?status=nope", { cookie: viewer.cookie }), ctx({}));
    expect(bad.status).toBe(422);
  });
});

describe("credentials never reach a response", () => {
  let target: Target;
  beforeAll(async () => {
    target = await createTarget("cairn_runs_api_pw");
  });
  afterAll(async () => {
    await target?.drop();
  });

  it("plan, request, run view and log stream are all redacted, even when env.py prints the URL", async () => {
    // echo_url makes the fixture's env.py print the URL and the password, as a careless one would.
    await seedProject(db, { name: "creds", dir: fixture.dir, envs: [{ name: "pg", url: target.url }], xArgs: ["echo_url=1"] });
    const secret = target.password;
    const encoded = encodeURIComponent(secret);
    const clean = (text: string) => {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encoded);
      expect(text).not.toContain(target.url);
    };
    const call = (route: typeof planRoute.POST, path: string) => route(request("POST", path, { cookie: alice.cookie, body: { kind: "upgrade", target: "b2" } }), ctx({ project: "creds", env: "pg" }));

    const planText = await (await call(planRoute.POST, "/api/projects/creds/envs/pg/runs/plan")).text();
    clean(planText);
    expect(JSON.parse(planText).sqlPreview).toMatch(/CREATE TABLE customers/);

    const reqRes = await call(envRunsRoute.POST, "/api/projects/creds/envs/pg/runs");
    const reqText = await reqRes.text();
    clean(reqText);
    const { runId } = JSON.parse(reqText);
    expect((await finished(runId)).status).toBe("succeeded");
    expect(await target.readRevisions()).toEqual(["b2"]);

    const viewText = await (await runRoute.GET(request("GET", `/api/runs/${runId}`, { cookie: viewer.cookie }), idParams(runId))).text();
    clean(viewText);

    const log = await logRoute.GET(request("GET", `/api/runs/${runId}/log`, { cookie: viewer.cookie }), idParams(runId));
    expect(log.headers.get("content-type")).toMatch(/text\/event-stream/);
    const logText = await log.text();
    clean(logText);
    // The env.py really printed it, and it arrived masked.
    expect(logText).toMatch(/connecting to postgresql:\/\/cairn_runs_api_pw:\*+@/);
    expect(logText).toMatch(/event: end\ndata: \{"type":"end","status":"succeeded","resultRevisions":\["b2"\]\}/);

    // Resuming after event 2 starts at 3.
    const resumed = await (await logRoute.GET(request("GET", `/api/runs/${runId}/log`, { cookie: viewer.cookie, headers: { "last-event-id": "2" } }), idParams(runId))).text();
    expect(/^id: (\d+)$/m.exec(resumed)?.[1]).toBe("3");

    const all = await (await runsRoute.GET(request("GET", "/api/runs", { cookie: viewer.cookie }), ctx({}))).text();
    clean(all);
  }, 60_000);
});
