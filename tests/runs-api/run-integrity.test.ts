// Issue 12 item 6, "Requests are unique and fresh": one open request per environment, stale requests
// marked and never approved, no-op plans refused, queued/awaiting runs cancelled by their requester or
// an admin, a running run asked to stop, and approvals that race. Real PostgreSQL store, real Alembic
// on SQLite targets.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { requestRun as requestRunLib } from "@/lib/runs/request-run";
import { runExecution } from "@/lib/runs/start-run";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { ALEMBIC, copyFixtureProject, seedProject, sqliteRevisions } from "@/tests/runs-api/support";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as runsRoute from "@/app/api/runs/route";
import * as runRoute from "@/app/api/runs/[id]/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";
import * as cancelRoute from "@/app/api/runs/[id]/cancel/route";
import * as logRoute from "@/app/api/runs/[id]/log/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let storeUrl: string;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, bob: User, carol: User, viewer: User, admin: User;
let prodId: string;
let projectId: string;

const P = "integrity";
const SLOW = "integrity-slow";
const envParams = (env: string, project = P) => ctx({ project, env });
const idParams = (id: string) => ctx({ id });

async function plan(user: User, env: string, b: unknown) {
  return planRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs/plan`, { cookie: user.cookie, body: b }), envParams(env));
}
async function requestRun(user: User, env: string, b: unknown, project = P) {
  return envRunsRoute.POST(request("POST", `/api/projects/${project}/envs/${env}/runs`, { cookie: user.cookie, body: b }), envParams(env, project));
}
async function approve(user: User, id: string) {
  return approveRoute.POST(request("POST", `/api/runs/${id}/approve`, { cookie: user.cookie, body: {} }), idParams(id));
}
async function cancel(user: User | null, id: string, b: unknown) {
  return cancelRoute.POST(request("POST", `/api/runs/${id}/cancel`, { cookie: user?.cookie, body: b }), idParams(id));
}
async function view(user: User, id: string) {
  return (await body(await runRoute.GET(request("GET", `/api/runs/${id}`, { cookie: user.cookie }), idParams(id)))).run;
}
/** A protected-environment request that waits for approval (typed confirmation given; sign-offs seeded). */
async function requestOnProd(user: User, target: string) {
  return requestRun(user, "prod", { kind: "upgrade", target, typedConfirmation: "prod" });
}
/** Moves an environment outside Cairn with real Alembic, as someone in a terminal would. */
function alembicUpgrade(url: string, target: string) {
  const r = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), "upgrade", target], { cwd: fixture.dir, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`alembic upgrade ${target} failed: ${r.stderr}`);
}
function alembicDowngrade(url: string, target: string) {
  const r = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), "downgrade", target], { cwd: fixture.dir, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`alembic downgrade ${target} failed: ${r.stderr}`);
}
async function finished(runId: string) {
  await runExecution(runId);
  return db.run.findUniqueOrThrow({ where: { id: runId } });
}
async function auditActions(runId: string) {
  return (await db.auditEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).map((a) => a.action);
}
/** Clears prod's open request(s) so a test starts from none. */
async function closeOpenOnProd() {
  await db.run.updateMany({ where: { environmentId: prodId, status: { in: ["awaiting_approval", "queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
}
const actorOf = (u: User, role: Actor["role"]): Actor => ({ kind: "user", userId: u.id, email: u.email, name: u.email, role });

beforeAll(async () => {
  app = await useAppStore("cairn_run_integrity");
  db = app.db;
  storeUrl = process.env.DATABASE_URL!;
  fixture = copyFixtureProject(["qa", "prod", "slow"]);
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "prod", url: fixture.urls.prod!, protected: true },
    ],
  });
  projectId = seeded.project.id;
  prodId = seeded.envs[1]!.id;
  // Each migration of this project sleeps 3 s, so a run stays `running` long enough to be asked to stop.
  await seedProject(db, { name: SLOW, dir: fixture.dir, envs: [{ name: "slow", url: fixture.urls.slow! }], xArgs: ["step_delay=3"] });
  [alice, bob, carol, viewer, admin] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "viewer"), signedIn(db, "admin")]);
  const qaUser = await signedIn(db, "qa");
  await db.signOff.create({ data: { projectId, environmentId: seeded.envs[0]!.id, toRevision: "h8", revisions: ["a1", "b2", "c3", "d4", "e5", "g7", "h8"], userId: qaUser.id } });
  // qa holds e5 through a real Cairn run, so promotion order passes for prod.
  const res = await requestRun(alice, "qa", { kind: "upgrade", target: "e5" });
  expect(res.status).toBe(202);
  expect((await finished((await body(res)).runId)).status).toBe("succeeded");
}, 90_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("at most one open request per environment", () => {
  beforeEach(closeOpenOnProd);

  it("refuses a second request while one awaits approval, naming the open run and who asked", async () => {
    const first = await requestOnProd(alice, "b2");
    expect(first.status).toBe(202);
    const { runId, status } = await body(first);
    expect(status).toBe("awaiting_approval");

    const second = await requestOnProd(bob, "c3");
    expect(second.status).toBe(409);
    const err = (await body(second)).error;
    expect(err.code).toBe("conflict");
    expect(err.message).toContain(`run ${runId}`);
    expect(err.message).toMatch(/^prod already has an open request: run \S+ \(upgrade to b2, from base\), awaiting approval, requested by /);
    expect(err.message).toContain(alice.email);
    expect(err.message).not.toMatch(/unique|P2002|Choose another name/);
    expect(await db.run.count({ where: { environmentId: prodId } })).toBe(1);
    await closeOpenOnProd();
  }, 60_000);

  it("ten requests at once on a protected environment: one is stored, nine are told which run is open", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => signedIn(db, "release_manager")));
    const responses = await Promise.all(users.map((u) => requestOnProd(u, "b2")));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const winner = await body(responses[statuses.indexOf(202)]!);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect((await body(r)).error.message).toContain(`run ${winner.runId} (upgrade to b2, from base), awaiting approval`);
    }
    expect(await db.run.count({ where: { environmentId: prodId, status: "awaiting_approval" } })).toBe(1);
    await closeOpenOnProd();
  }, 90_000);

  it("a request racing another instance's insert is refused by the unique index with the same clear message", async () => {
    // Another Cairn instance (which does not take this instance's lock) inserts an open run and has
    // not committed yet: our insert waits on the index, then fails when it commits.
    const other = new pg.Client({ connectionString: storeUrl });
    await other.connect();
    try {
      await other.query("BEGIN");
      const { rows } = await other.query<{ id: string }>(
        `INSERT INTO "Run" (id, "projectId", "environmentId", kind, status, target, "requestedById") VALUES (gen_random_uuid(), $1, $2, 'upgrade', 'awaiting_approval', 'c3', $3) RETURNING id`,
        [projectId, prodId, carol.id],
      );
      const pending = requestOnProd(bob, "b2");
      // Wait until our insert is blocked on the other transaction's row.
      for (let i = 0; i < 100; i++) {
        const waiting = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        if (Number(waiting[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query("COMMIT");
      const res = await pending;
      expect(res.status).toBe(409);
      const err = (await body(res)).error;
      expect(err.code).toBe("conflict");
      expect(err.message).toContain(`run ${rows[0]!.id} (upgrade to c3, from base), awaiting approval, requested by ${carol.email}`);
    } finally {
      await other.end();
      await closeOpenOnProd();
    }
  }, 60_000);
});

describe("stale requests", () => {
  beforeEach(closeOpenOnProd);

  it("after the environment moves, approval is refused with where it moved, the run becomes stale (audited), and a new request is accepted", async () => {
    const requested = await body(await requestOnProd(alice, "c3"));
    expect(requested.status).toBe("awaiting_approval");
    const { runId } = requested;
    alembicUpgrade(fixture.urls.prod!, "a1");

    const refused = await approve(bob, runId);
    expect(refused.status).toBe(409);
    expect((await body(refused)).error.message).toMatch(/^prod moved from base to a1 after this was requested; request again\./);
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("stale");
    expect(run.finishedAt).not.toBeNull();
    expect(run.approvedById).toBeNull();
    const actions = await auditActions(runId);
    expect(actions).toContain("run.stale");
    expect(actions).not.toContain("run.approve");

    // Approving it again says the same, and is audited too.
    const again = await approve(carol, runId);
    expect(again.status).toBe(409);
    expect((await body(again)).error.message).toMatch(/^prod moved from base to a1 after this was requested; request again\./);
    expect((await auditActions(runId)).filter((a) => a === "run.approve-refused")).toHaveLength(1);

    // Stale is not open: a new request goes through.
    const fresh = await requestOnProd(bob, "c3");
    expect(fresh.status).toBe(202);
    expect(sqliteRevisions(fixture.urls.prod!)).toEqual(["a1"]);
    await closeOpenOnProd();
  }, 60_000);

  it("is marked stale when the run or the list is read", async () => {
    const { runId } = await body(await requestOnProd(alice, "c3"));
    alembicUpgrade(fixture.urls.prod!, "b2");
    const seen = await view(viewer, runId);
    expect(seen.status).toBe("stale");
    expect(seen.errorTail).toMatch(/^prod moved from a1 to b2 after this was requested; request again\./);

    const second = await body(await requestOnProd(alice, "d4"));
    expect(second.status).toBe("awaiting_approval");
    alembicDowngrade(fixture.urls.prod!, "a1");
    const list = await body(await runsRoute.GET(request("GET", `/api/runs?project=${P}&environment=prod&status=awaiting_approval`, { cookie: viewer.cookie }), ctx({})));
    expect(list.runs).toEqual([]);
    expect((await db.run.findUniqueOrThrow({ where: { id: second.runId } })).status).toBe("stale");
  }, 60_000);

  it("is marked stale when someone plans or requests on the environment", async () => {
    const { runId } = await body(await requestOnProd(alice, "c3"));
    alembicUpgrade(fixture.urls.prod!, "b2");
    const p = await plan(bob, "prod", { kind: "upgrade", target: "c3" });
    expect(p.status).toBe(200);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("stale");

    const next = await body(await requestOnProd(alice, "c3"));
    alembicDowngrade(fixture.urls.prod!, "a1");
    const res = await requestOnProd(bob, "d4");
    expect(res.status).toBe(202);
    expect((await db.run.findUniqueOrThrow({ where: { id: next.runId } })).status).toBe("stale");
    await closeOpenOnProd();
  }, 60_000);

  it("ends its event stream with the stale status, as any finished run's", async () => {
    const { runId } = await body(await requestOnProd(alice, "c3"));
    const [at] = sqliteRevisions(fixture.urls.prod!);
    alembicUpgrade(fixture.urls.prod!, "b2");
    expect((await view(viewer, runId)).status).toBe("stale");
    const res = await logRoute.GET(request("GET", `/api/runs/${runId}/log`, { cookie: viewer.cookie }), idParams(runId));
    // A stream that does not end holds a poll of the store for as long as the page is open.
    const text = await Promise.race([res.text(), new Promise<string>((resolve) => setTimeout(() => resolve("(the stream did not end within 10 s)"), 10_000))]);
    expect(text).toMatch(/event: end\ndata: \{"type":"end","status":"stale"/);
    alembicDowngrade(fixture.urls.prod!, at ?? "base");
  }, 60_000);
});

describe("no-op plans", () => {
  it("a plan with no step is refused by the route and by lib", async () => {
    expect(sqliteRevisions(fixture.urls.qa!)).toEqual(["e5"]);
    const p = await body(await plan(alice, "qa", { kind: "upgrade", target: "e5" }));
    expect(p.path.steps).toEqual([]);
    const res = await requestRun(alice, "qa", { kind: "upgrade", target: "e5" });
    expect(res.status).toBe(400);
    expect((await body(res)).error.message).toMatch(/^Nothing to run: qa is already at e5/);

    await expect(
      requestRunLib(db, {
        actor: actorOf(alice, "release_manager"),
        environment: { id: prodId, projectId, name: "prod", protected: true },
        kind: "upgrade",
        target: "a1",
        fromRevisions: ["a1"],
        path: [],
        sqlPreview: "",
        reviewedFiles: [],
        facts: { kind: "upgrade", inputs: {} } as never,
      }),
    ).rejects.toMatchObject({ code: "bad-request", userMessage: expect.stringMatching(/^Nothing to run: prod is already at a1/) });
    expect(await db.run.count({ where: { environment: { name: "qa", projectId }, target: "e5", status: { not: "succeeded" } } })).toBe(0);
  }, 60_000);
});

describe("cancel a queued or awaiting run", () => {
  beforeEach(closeOpenOnProd);

  it("guards: anonymous 401, viewer 403, another release manager 403, reason required", async () => {
    const { runId } = await body(await requestOnProd(alice, "c3"));
    expect((await cancel(null, runId, { reason: "x" })).status).toBe(401);
    const v = await cancel(viewer, runId, { reason: "x" });
    expect(v.status).toBe(403);
    const other = await cancel(bob, runId, { reason: "not yours" });
    expect(other.status).toBe(403);
    expect((await body(other)).error.message).toMatch(/Only an admin or .* who requested it may cancel it while it waits/);
    const noReason = await cancel(alice, runId, {});
    expect(noReason.status).toBe(422);
    expect((await body(noReason)).error.message).toMatch(/reason/);
    const blank = await cancel(alice, runId, { reason: "   " });
    expect(blank.status).toBe(422);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("awaiting_approval");
    await closeOpenOnProd();
  }, 60_000);

  it("the requester withdraws an awaiting request; the state change and its audit row land together", async () => {
    const { runId } = await body(await requestOnProd(alice, "c3"));
    const res = await cancel(alice, runId, { reason: "wrong target" });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ runId, status: "cancelled" });
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "cancelled", cancelRequestedBy: alice.email, cancelReason: "wrong target" });
    expect(run.finishedAt).not.toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { runId, action: "run.cancel" } });
    expect(audit).toMatchObject({ actor: alice.email, outcome: "cancelled" });
    expect(audit.details).toMatchObject({ reason: "wrong target", was: "awaiting_approval" });
    // A cancelled run is not open: a new request is accepted, and the old one cannot be cancelled twice.
    const again = await cancel(alice, runId, { reason: "again" });
    expect(again.status).toBe(409);
    expect((await body(again)).error.message).toMatch(/is cancelled/);
    expect((await requestOnProd(bob, "c3")).status).toBe(202);
    const view1 = await view(viewer, runId);
    expect(view1).toMatchObject({ status: "cancelled", cancelReason: "wrong target", cancelRequestedBy: alice.email });
    await closeOpenOnProd();
  }, 60_000);

  it("an admin cancels someone's queued run", async () => {
    const queued = await db.run.create({
      data: { projectId, environmentId: prodId, kind: "upgrade", status: "queued", target: "c3", fromRevisions: ["a1"], path: ["b2", "c3"], requestedById: bob.id },
    });
    expect((await cancel(alice, queued.id, { reason: "not mine" })).status).toBe(403);
    const res = await cancel(admin, queued.id, { reason: "freeze until Monday" });
    expect(res.status).toBe(200);
    expect(await db.run.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "cancelled", cancelRequestedBy: admin.email, cancelReason: "freeze until Monday" });
    expect(await auditActions(queued.id)).toEqual(["run.cancel"]);
  });

  it("a running run: a release manager asks it to stop; the columns are set and audited, the executor does the rest", async () => {
    const res = await requestRun(alice, "slow", { kind: "upgrade", target: "c3" }, SLOW);
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    for (let i = 0; i < 100 && (await db.run.findUniqueOrThrow({ where: { id: runId } })).status !== "running"; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

    expect((await cancel(viewer, runId, { reason: "stop" })).status).toBe(403);
    const asked = await cancel(bob, runId, { reason: "wrong database" });
    expect(asked.status).toBe(202);
    expect(await body(asked)).toMatchObject({ runId, status: "cancel-requested" });
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ cancelRequestedBy: bob.email, cancelReason: "wrong database" });
    expect(run.cancelRequestedAt).not.toBeNull();
    expect(await auditActions(runId)).toContain("run.cancel-requested");
    const twice = await cancel(admin, runId, { reason: "again" });
    expect(twice.status).toBe(409);
    expect((await body(twice)).error.message).toMatch(/already asked to stop/);
    await runExecution(runId);
  }, 60_000);
});

describe("approvals that race", () => {
  beforeEach(closeOpenOnProd);

  it("ten approvers click at once on one run: exactly one approves it, nine are told it is already decided, it runs once", async () => {
    await closeOpenOnProd();
    const { runId } = await body(await requestOnProd(alice, "b2"));
    const approvers = [bob, carol, admin, ...(await Promise.all(Array.from({ length: 7 }, () => signedIn(db, "release_manager"))))];
    const responses = await Promise.all(approvers.map((u) => approve(u, runId)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect((await body(r)).error.message).toMatch(/already approved by \S+@example\.com|Someone else decided run/);
    }
    const run = await finished(runId);
    expect(run.status).toBe("succeeded");
    const actions = await auditActions(runId);
    expect(actions.filter((a) => a === "run.approve")).toHaveLength(1);
    expect(actions.filter((a) => a === "run.started")).toHaveLength(1);
    expect(actions).not.toContain("run.stale");
    expect(sqliteRevisions(fixture.urls.prod!)).toEqual(["b2"]);
  }, 120_000);
});
