/**
 * Issue 17: the events really leave Cairn. A real receiver (node:http on 127.0.0.1) subscribed as a
 * webhook through the admin route, real runs through real Alembic (SQLite targets; PostgreSQL for the
 * crash), the job queue's worker delivering: every run event arrives signed, once, in the order the
 * run went through its states; a run settled after its Cairn was killed is announced once however
 * many instances settle it; a new head in the project's files is announced once.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import os from "node:os";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getStore } from "@/lib/db/client";
import { createJobQueue, type JobQueue } from "@/lib/jobs/job-queue";
import { deliverWebhookJob } from "@/lib/webhooks/deliver-webhook-job";
import { enqueue } from "@/lib/jobs/enqueue";
import { JOB_SCHEMA, queueName } from "@/lib/jobs/queues";
import { checkHeadsJob } from "@/lib/projects/check-heads-job";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/webhook-events";
import { runExecution } from "@/lib/runs/start-run";
import { recoverInterruptedRuns } from "@/lib/runner/recover-interrupted-runs";
import { getProjectGraph } from "@/lib/server/project-view";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject, sqliteRevisions } from "@/tests/runs-api/support";
import { crashHarness, alive, sleep, waitFor } from "@/tests/runner/crash-harness";
import { createTarget, seedEnvironment, type Target } from "@/tests/runner/support";
import * as webhooksRoute from "@/app/api/projects/[project]/webhooks/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";
import * as rejectRoute from "@/app/api/runs/[id]/reject/route";
import * as cancelRoute from "@/app/api/runs/[id]/cancel/route";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sent: any;
}
const received: Received[] = [];
const receiver = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, raw, sent: JSON.parse(raw) });
    res.writeHead(200).end("ok");
  });
});

/** What a receiver does with X-Cairn-Signature: recompute over the raw body, compare in constant time, refuse an old t. */
function verify(secret: string, header: string, raw: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || Math.abs(Math.floor(Date.now() / 1000) - Number(m[1])) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

const P = "hooked-shop";
type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>>;
let db: PrismaClient;
let queue: JobQueue;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, bob: User, admin: User;
let projectId: string;
let qaId: string;
let qaUserId: string;
/** Each subscribed project's signing secret, as the admin route showed it once. */
const secrets = new Map<string, string>();

async function subscribe(project: string): Promise<void> {
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cairn-events`;
  const res = await webhooksRoute.POST(request("POST", `/api/projects/${project}/webhooks`, { cookie: admin.cookie, body: { name: "releases", url, format: "json", events: [...WEBHOOK_EVENTS] } }), ctx({ project }));
  expect(res.status).toBe(201);
  secrets.set(project, (await body(res)).secret);
}

/** Every event received about one run, signature checked, in the order they happened. */
function eventsOf(runId: string): Received[] {
  const got = received.filter((r) => r.sent.data?.runId === runId);
  for (const r of got) {
    expect(r.headers["x-cairn-event"]).toBe(r.sent.event);
    expect(verify(secrets.get(r.sent.project)!, String(r.headers["x-cairn-signature"]), r.raw), `signature of ${r.sent.event}`).toBe(true);
  }
  // Events of one transaction may share a millisecond: then in lifecycle order, which WEBHOOK_EVENTS follows.
  return got.sort((a, b) => a.sent.occurredAt.localeCompare(b.sent.occurredAt) || WEBHOOK_EVENTS.indexOf(a.sent.event) - WEBHOOK_EVENTS.indexOf(b.sent.event));
}

async function eventsOfRun(runId: string, count: number): Promise<Received[]> {
  await waitFor(`${count} events about run ${runId} (got ${received.filter((r) => r.sent.data?.runId === runId).map((r) => r.sent.event)})`, () => eventsOf(runId).length >= count, 60_000);
  return eventsOf(runId);
}

async function requestRun(user: User, env: string, b: unknown): Promise<{ runId: string; status: string }> {
  const res = await envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs`, { cookie: user.cookie, body: b }), ctx({ project: P, env }));
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
  return body(res);
}

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = randomBytes(32).toString("hex");
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  app = await useAppStore("cairn_webhook_events");
  db = app.db;
  fixture = copyFixtureProject(["qa", "production"]);
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "production", url: fixture.urls.production!, protected: true },
    ],
  });
  projectId = seeded.project.id;
  qaId = seeded.envs[0]!.id;
  [alice, bob, admin] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "release_manager"), signedIn(db, "admin")]);
  qaUserId = (await signedIn(db, "qa")).id;
  await subscribe(P);
  deliverWebhookJob.options.retryDelaySeconds = 1;
  queue = await createJobQueue(await getStore(), [deliverWebhookJob, checkHeadsJob], { pollingIntervalSeconds: 0.5 });
}, 120_000);

afterAll(async () => {
  await queue?.stop(1000);
  await app?.close();
  fixture?.remove();
  receiver.close();
});

describe("run events", () => {
  it("an unguarded upgrade: run.requested (queued), then run.succeeded with where qa stands", async () => {
    const { runId } = await requestRun(alice, "qa", { kind: "upgrade", target: "e5" });
    expect((await runExecution(runId))?.status).toBe("succeeded");
    const got = await eventsOfRun(runId, 2);
    expect(got.map((r) => r.sent.event)).toEqual(["run.requested", "run.succeeded"]);
    expect(got[0]!.sent).toMatchObject({
      project: P,
      summary: `qa: upgrade to e5 (5 migrations) requested by ${alice.email} — queued`,
      data: { runId, environment: "qa", kind: "upgrade", target: "e5", fromRevisions: [], steps: ["a1", "b2", "c3", "d4", "e5"], requestedBy: alice.email, actor: alice.email, link: `/runs/${runId}` },
    });
    expect(got[1]!.sent).toMatchObject({ summary: "qa: upgrade to e5 (5 migrations) succeeded — qa is now at e5", data: { status: "succeeded", toRevisions: ["e5"] } });
    // No absolute link without CAIRN_PUBLIC_URL, and nothing that names where the database is.
    expect(got[1]!.sent.data.url).toBeUndefined();
    for (const r of got) expect(r.raw).not.toContain("sqlite:");
  });

  it("a guarded promotion: run.requested → run.awaiting_approval → run.approved → run.succeeded, each once and signed", async () => {
    await db.signOff.create({ data: { projectId, environmentId: qaId, toRevision: "e5", revisions: ["a1", "b2", "c3", "d4", "e5"], userId: qaUserId } });
    const { runId, status } = await requestRun(alice, "production", { kind: "promotion", typedConfirmation: "production" });
    expect(status).toBe("awaiting_approval");
    // Alice may not approve her own request: refused, and nothing is announced for it.
    expect((await approveRoute.POST(request("POST", `/api/runs/${runId}/approve`, { cookie: alice.cookie, body: {} }), ctx({ id: runId }))).status).toBe(403);
    const ok = await approveRoute.POST(request("POST", `/api/runs/${runId}/approve`, { cookie: bob.cookie, body: {} }), ctx({ id: runId }));
    expect(ok.status).toBe(202);
    expect((await runExecution(runId))?.status).toBe("succeeded");
    expect(sqliteRevisions(fixture.urls.production!)).toEqual(["e5"]);

    const got = await eventsOfRun(runId, 4);
    expect(got.map((r) => r.sent.event)).toEqual(["run.requested", "run.awaiting_approval", "run.approved", "run.succeeded"]);
    const [requested, awaiting, approved, succeeded] = got.map((r) => r.sent);
    expect(requested.summary).toBe(`production: promotion to e5 (5 migrations) requested by ${alice.email} — awaiting approval`);
    expect(awaiting.summary).toBe(`production: promotion to e5 (5 migrations) requested by ${alice.email} awaits approval by a second person`);
    expect(approved).toMatchObject({ summary: `production: promotion to e5 (5 migrations) approved by ${bob.email} (requested by ${alice.email})`, data: { actor: bob.email, approvedBy: bob.email } });
    expect(succeeded).toMatchObject({ summary: "production: promotion to e5 (5 migrations) succeeded — production is now at e5", data: { fromRevisions: [], toRevisions: ["e5"], approvedBy: bob.email } });
    // Delivered once each: one delivery row per event, all delivered.
    await waitFor("the deliveries to be marked delivered", async () => (await db.webhookDelivery.count({ where: { status: "delivered", payload: { path: ["data", "runId"], equals: runId } } })) === 4);
  });

  it("a failing migration: run.failed names the migration and where qa stands", async () => {
    const { runId } = await requestRun(alice, "qa", { kind: "upgrade", target: "f6" });
    expect((await runExecution(runId))?.status).toBe("failed");
    const got = await eventsOfRun(runId, 2);
    expect(got.map((r) => r.sent.event)).toEqual(["run.requested", "run.failed"]);
    expect(got[1]!.sent.summary).toBe("qa: upgrade to f6 (1 migration) failed in migration f6 — qa is now at e5");
    expect(got[1]!.sent.data).toMatchObject({ status: "failed", failedStep: "f6", toRevisions: ["e5"] });
    // The error's text stays on the run page: not in the event.
    expect(got[1]!.raw).not.toContain("no_such_table");
    // f6 left its table behind: the schema is read again through the job queue, whose reading tells drift.found as a scheduled one does.
    const queued = () => db.$queryRawUnsafe<{ data: { environmentId: string; trigger: string } }[]>(`SELECT data FROM ${JOB_SCHEMA}.job WHERE name = $1`, queueName("schema-read"));
    await waitFor("the reading after the failed run to be queued", async () => (await queued()).some((j) => j.data.environmentId === qaId && j.data.trigger === "run"), 10_000);
  });

  it("a run that cannot start because another Cairn holds the lock: run.cancelled says so without the holder's email or host", async () => {
    const holder = "carol.lockholder@example.com";
    await db.environmentLock.create({ data: { environmentId: qaId, runId: "elsewhere-run", holder, instanceId: "db-box-7.internal-4242" } });
    try {
      const { runId } = await requestRun(alice, "qa", { kind: "upgrade", target: "f6" });
      expect(await runExecution(runId)).toBeNull();
      const got = await eventsOfRun(runId, 2);
      expect(got.map((r) => r.sent.event)).toEqual(["run.requested", "run.cancelled"]);
      expect(got[1]!.sent.data.reason).toBe("Cairn could not start it (locked); the run page says why.");
      for (const r of got) expect(r.raw).not.toMatch(/carol|db-box-7|4242/);
      // The whole reason stays behind sign-in: the run's own record and its audit row.
      expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).errorTail).toContain(holder);
      const audit = await db.auditEvent.findFirstOrThrow({ where: { runId, action: "run.start-failed" } });
      expect(JSON.stringify(audit.details)).toContain("db-box-7.internal-4242");
    } finally {
      await db.environmentLock.deleteMany({ where: { environmentId: qaId, runId: "elsewhere-run" } });
    }
  });

  it("a rejected request and a withdrawn one: run.rejected and run.cancelled with their reasons", async () => {
    await db.signOff.create({ data: { projectId, environmentId: qaId, toRevision: "d4", revisions: ["e5", "d4"], userId: qaUserId } });
    const down = { kind: "downgrade", target: "d4", typedConfirmation: "production", destructiveConfirmation: ["e5"] };
    const first = await requestRun(alice, "production", down);
    const rejected = await rejectRoute.POST(request("POST", `/api/runs/${first.runId}/reject`, { cookie: bob.cookie, body: { reason: "not during the sale" } }), ctx({ id: first.runId }));
    expect(rejected.status).toBe(200);
    const second = await requestRun(alice, "production", down);
    const cancelled = await cancelRoute.POST(request("POST", `/api/runs/${second.runId}/cancel`, { cookie: alice.cookie, body: { reason: "wrong target" } }), ctx({ id: second.runId }));
    expect(cancelled.status).toBe(200);

    const one = await eventsOfRun(first.runId, 3);
    expect(one.map((r) => r.sent.event)).toEqual(["run.requested", "run.awaiting_approval", "run.rejected"]);
    expect(one[2]!.sent).toMatchObject({ summary: `production: downgrade to d4 (1 migration) rejected by ${bob.email}: not during the sale`, data: { reason: "not during the sale", actor: bob.email } });
    const two = await eventsOfRun(second.runId, 3);
    expect(two.map((r) => r.sent.event)).toEqual(["run.requested", "run.awaiting_approval", "run.cancelled"]);
    expect(two[2]!.sent.summary).toBe(`production: downgrade to d4 (1 migration) cancelled by ${alice.email}: wrong target`);
    expect(sqliteRevisions(fixture.urls.production!)).toEqual(["e5"]);
  });
});

describe("a run settled after its Cairn was killed", () => {
  let t: Target;
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-webhook-crash-"));
  beforeAll(async () => {
    t = await createTarget("cairn_webhook_crash_pw");
  });
  afterAll(async () => {
    await t?.drop();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("yields run.interrupted exactly once, however many instances settle it at the same moment", async () => {
    const store = await getStore();
    const { queue: queueRun, inspect, executeInChild } = crashHarness(() => ({ store, storeUrl: process.env.DATABASE_URL!, target: t }), { runDir, dialect: "postgresql" });
    const { project, environment } = await seedEnvironment(store, { name: "crash-staging", project: "hooked-crash" });
    await subscribe(project.name);
    const run = await queueRun(environment, { target: "c3", path: ["a1", "b2", "c3"] });
    // The whole host goes: Cairn and its runner are killed mid-migration, so no result file is written.
    const c = await executeInChild(run.id, ["step_delay=4"], ["c3"]);
    c.child.kill("SIGKILL");
    process.kill(c.runnerPid, "SIGKILL");
    await c.exited;
    await waitFor("the runner to be gone", () => !alive(c.runnerPid));
    await sleep(700); // its heartbeat is stale

    // Two instances sweep at the same moment: one conditional update takes.
    const settled = await Promise.all(["instance-1", "instance-2"].map((id) => recoverInterruptedRuns(db, id, { staleMs: 500, inspect: inspect(["c3"]) })));
    expect(settled.flat().map((r) => r.status)).toEqual(["interrupted"]);
    // A later sweep finds nothing more to settle.
    expect(await recoverInterruptedRuns(db, "instance-3", { staleMs: 500, inspect: inspect(["c3"]) })).toEqual([]);

    const got = await eventsOfRun(run.id, 1);
    await sleep(3000); // a second delivery, were there one, would have arrived by now
    expect(eventsOf(run.id).map((r) => r.sent.event)).toEqual(["run.interrupted"]);
    expect(got[0]!.sent).toMatchObject({ project: "hooked-crash", data: { status: "interrupted", recovered: true, actor: null } });
    expect(got[0]!.sent.summary).toMatch(/^crash-staging: upgrade to c3 \(3 migrations\) was interrupted \(the Cairn instance running it stopped\) — crash-staging is now at (base|a1|b2); check it before running again$/);
    expect(await db.webhookDelivery.count({ where: { event: "run.interrupted" } })).toBe(1);
    expect(got[0]!.raw).not.toContain(t.password);
  });
});

/** A migration file as `alembic revision` writes one. */
const migration = (rev: string, down: string, message: string) =>
  `"""${message}\n\nRevision ID: ${rev}\nRevises: ${down}\n"""\nfrom alembic import op\n\nrevision = "${rev}"\ndown_revision = "${down}"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    pass\n`;

describe("graph.new_head", () => {
  it("is sent once when a new head's file is added — not on the first reading, not on the next one, not twice when read at once", async () => {
    const newHeads = () => received.filter((r) => r.sent.event === "graph.new_head");
    await getProjectGraph(P); // first sighting: recorded, not announced
    expect((await db.project.findUniqueOrThrow({ where: { id: projectId } })).knownHeads).toEqual(["f6", "h8"]);
    const versions = path.join(fixture.dir, "versions");
    fs.writeFileSync(path.join(versions, "i9_add_invoices.py"), migration("i9", "d4", "add invoices"));
    await getProjectGraph(P);
    await waitFor("graph.new_head to arrive", () => newHeads().length >= 1);
    const [got] = newHeads();
    expect(verify(secrets.get(P)!, String(got!.headers["x-cairn-signature"]), got!.raw)).toBe(true);
    expect(got!.sent).toMatchObject({
      project: P,
      summary: "new head i9 (add invoices), after d4 — 3 heads now: f6, h8, i9",
      data: { heads: ["f6", "h8", "i9"], previousHeads: ["f6", "h8"], newHeads: [{ revision: "i9", message: "add invoices", downRevisions: ["d4"] }], link: `/projects/${P}/graph` },
    });

    // Read again, and by two requests at once after the next head: one event each time the heads changed.
    await getProjectGraph(P);
    fs.writeFileSync(path.join(versions, "j10_add_refunds.py"), migration("j10", "i9", "add refunds"));
    await Promise.all([getProjectGraph(P), getProjectGraph(P), getProjectGraph(P)]);
    await waitFor("the second graph.new_head", () => newHeads().length >= 2);
    await sleep(3000);
    expect(newHeads().map((r) => r.sent.summary)).toEqual(["new head i9 (add invoices), after d4 — 3 heads now: f6, h8, i9", "new head j10 (add refunds), after i9 — 3 heads now: f6, h8, j10"]);
    expect(await db.webhookDelivery.count({ where: { event: "graph.new_head" } })).toBe(2);
  });

  it("is sent by the scheduled check too, when no page reads the graph", async () => {
    fs.writeFileSync(path.join(fixture.dir, "versions", "k11_after_refunds.py"), migration("k11", "j10", "after refunds"));
    await enqueue(db, checkHeadsJob, {});
    await waitFor("graph.new_head from the job", () => received.filter((r) => r.sent.event === "graph.new_head").length >= 3);
    expect(received.filter((r) => r.sent.event === "graph.new_head").at(-1)!.sent.summary).toBe("new head k11 (after refunds), after j10 — 3 heads now: f6, h8, k11");
  });

  it("is not sent for an older revision when a read lacks the head's file, nor again when the file returns; a real new head after is sent once", async () => {
    const newHeads = () => received.filter((r) => r.sent.event === "graph.new_head").map((r) => r.sent.summary);
    const before = newHeads().length;
    // A steady project: its heads last changed long ago, so no rolling-deploy grace applies.
    const steady = () => db.$executeRaw`UPDATE "Project" SET "headsSeenAt" = now() - interval '2 hours' WHERE id = ${projectId}`;
    await steady();
    const k11 = path.join(fixture.dir, "versions", "k11_after_refunds.py");
    const saved = fs.readFileSync(k11, "utf8");
    fs.rmSync(k11); // deleted, mid-write, mid-checkout, or an instance with older files
    await getProjectGraph(P);
    await enqueue(db, checkHeadsJob, {});
    await sleep(3000);
    expect(newHeads().slice(before), "j10 announced as a new head when k11's file went missing").toEqual([]);

    await steady();
    fs.writeFileSync(k11, saved);
    await getProjectGraph(P);
    await sleep(3000);
    expect(newHeads().slice(before), "k11 announced again when its file came back").toEqual([]);

    fs.writeFileSync(path.join(fixture.dir, "versions", "l12_after_k11.py"), migration("l12", "k11", "after k11"));
    await getProjectGraph(P);
    await waitFor("graph.new_head for l12", () => newHeads().length > before);
    await sleep(2000);
    expect(newHeads().slice(before)).toEqual(["new head l12 (after k11), after k11 — 3 heads now: f6, h8, l12"]);
  });
});
