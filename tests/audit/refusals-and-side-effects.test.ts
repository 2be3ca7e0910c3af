// Issue 18 (low): what was refused or had side effects is audited — failed sign-ins bounded per
// account and minute, self-approvals, every run of a project's command — and a deleted project's
// rows keep its name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createUser } from "@/lib/auth/create-user";
import { runExecution } from "@/lib/runs/start-run";
import { BASE, body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import * as loginRoute from "@/app/api/auth/login/route";
import * as auditRoute from "@/app/api/audit/route";
import * as projectRoute from "@/app/api/projects/[project]/route";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as approveRoute from "@/app/api/runs/[id]/approve/route";
import * as checkRoute from "@/app/api/projects/[project]/envs/[env]/alembic-check/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let fixture: ReturnType<typeof copyFixtureProject>;
let rm: User, qa: User, admin: User, viewer: User;
const P = "side-effects";
const X_SECRET = "hunter2-Xarg";
const savedProxy = process.env.CAIRN_TRUST_PROXY;

beforeAll(async () => {
  process.env.CAIRN_TRUST_PROXY = "1";
  app = await useAppStore("cairn_audit_side_effects");
  db = app.db;
  fixture = copyFixtureProject(["qa", "prod"]);
  await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "prod", url: fixture.urls.prod!, protected: true },
    ],
    xArgs: ["tenant=acme", `db_password=${X_SECRET}`],
  });
  [rm, qa, admin, viewer] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "qa"), signedIn(db, "admin"), signedIn(db, "viewer")]);
}, 90_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
  if (savedProxy === undefined) delete process.env.CAIRN_TRUST_PROXY;
  else process.env.CAIRN_TRUST_PROXY = savedProxy;
});

const login = (email: string, password: string, address: string) =>
  loginRoute.POST(
    new Request(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address, origin: BASE },
      body: JSON.stringify({ email, password }),
    }),
  );

describe("failed sign-ins", () => {
  it("a burst of 40 wrong passwords on one account is a row per minute with the counts, not 40 rows", async () => {
    const email = "flooded@example.com";
    await createUser(db, { email, password: "correct horse battery", role: "viewer" });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(email, `wrong-${i}`, `198.51.100.${i % 3}`)));
    expect(answers.map((r) => r.status).filter((s) => s !== 401 && s !== 429)).toEqual([]);
    // One row per minute the burst touched (a burst across a minute boundary makes two), with the minute's counts.
    expect(await db.auditEvent.count({ where: { action: "auth.sign-in", outcome: "refused", actor: email } })).toBeLessThanOrEqual(2);
    const listed = await auditRoute.GET(request("GET", `/api/audit?action=auth.sign-in&actor=${encodeURIComponent(email)}`, { cookie: admin.cookie }), ctx({}));
    const rows = (await body(listed)).events as { outcome: string; details: Record<string, unknown> }[];
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.every((r) => r.outcome === "refused")).toBe(true);
    const sum = (k: "attempts" | "wrongCredentials" | "rateLimited") => rows.reduce((n, r) => n + (r.details[k] as number), 0);
    expect(sum("attempts")).toBe(40);
    expect(sum("wrongCredentials")).toBe(answers.filter((r) => r.status === 401).length);
    expect(sum("rateLimited")).toBe(answers.filter((r) => r.status === 429).length);
    expect(sum("rateLimited")).toBeGreaterThan(0);
    expect([...new Set(rows.flatMap((r) => r.details.addresses as string[]))].sort()).toEqual(["198.51.100.0", "198.51.100.1", "198.51.100.2"]);
    // Another account's failures are its own row.
    expect((await login("nobody@example.com", "x", "198.51.100.7")).status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: "auth.sign-in", outcome: "refused", actor: "nobody@example.com" } })).toBe(1);
  }, 60_000);
});

describe("every run of the project's command", () => {
  const commandRows = () => db.auditEvent.findMany({ where: { action: "command.run" }, orderBy: { id: "asc" } });

  it("the SQL preview, alembic check and a run are audited with who, which environment and the argv, secrets masked", async () => {
    const plan = await planRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs/plan`, { cookie: rm.cookie, body: { kind: "upgrade", target: "b2" } }), ctx({ project: P, env: "qa" }));
    expect(plan.status).toBe(200);
    let rows = await commandRows();
    const preview = rows.find((r) => (r.details as { purpose: string }).purpose === "preview" && r.environment === "qa");
    expect(preview).toMatchObject({ actor: rm.email, environment: "qa", project: P, outcome: "started" });
    const argv = (preview!.details as { argv: string[] }).argv;
    expect(argv).toEqual(expect.arrayContaining(["-x", "tenant=acme", "db_password=****", "upgrade", "--sql"]));
    expect(JSON.stringify(rows.map((r) => r.details))).not.toContain(X_SECRET);
    expect(JSON.stringify(rows.map((r) => r.details))).not.toContain(fixture.urls.qa!);

    const check = await checkRoute.POST(request("POST", `/api/projects/${P}/envs/qa/alembic-check`, { cookie: qa.cookie, body: {} }), ctx({ project: P, env: "qa" }));
    expect(check.status).toBe(200);
    rows = await commandRows();
    // Alembic 1.8.1 has no `check`: only its version is asked, and that is a run of the command too.
    expect(rows.find((r) => (r.details as { purpose: string }).purpose === "version")).toMatchObject({ actor: qa.email, environment: "qa", project: P });

    const res = await envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie: rm.cookie, body: { kind: "upgrade", target: "b2" } }), ctx({ project: P, env: "qa" }));
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    expect((await runExecution(runId))?.status).toBe("succeeded");
    const run = (await commandRows()).find((r) => (r.details as { purpose: string; runId?: string }).purpose === "run");
    expect(run).toMatchObject({ actor: rm.email, environment: "qa", project: P });
    expect(run!.details).toMatchObject({ runId, argv: expect.arrayContaining(["upgrade", "b2", "db_password=****"]) });
    expect(JSON.stringify((await commandRows()).map((r) => r.details))).not.toContain(X_SECRET);
  }, 120_000);
});

describe("the two-person rule", () => {
  it("a requester approving their own run is refused and the attempt is on record", async () => {
    // A request awaiting approval on the protected environment, as requestRun leaves it (the gates before it are other suites' business).
    const prod = await db.environment.findFirstOrThrow({ where: { name: "prod", project: { name: P } } });
    const { id: runId } = await db.run.create({
      data: { projectId: prod.projectId, environmentId: prod.id, kind: "upgrade", status: "awaiting_approval", target: "b2", path: ["a1", "b2"], requestedById: rm.id },
    });
    const self = await approveRoute.POST(request("POST", `/api/runs/${runId}/approve`, { cookie: rm.cookie, body: {} }), ctx({ id: runId }));
    expect(self.status).toBe(403);
    const refused = await db.auditEvent.findFirstOrThrow({ where: { action: "run.approve-refused", runId } });
    expect(refused).toMatchObject({ actor: rm.email, outcome: "refused", environment: "prod", project: P });
    expect(refused.details).toMatchObject({ rule: "two-person", reason: expect.stringMatching(/^You requested this run, so you cannot approve it too/) });
  }, 60_000);
});

describe("a deleted project's audit rows", () => {
  it("keep its name, in the API and when filtered by it", async () => {
    await seedProject(db, { name: "short-lived", dir: fixture.dir, envs: [{ name: "qa", url: fixture.urls.qa! }] });
    const patched = await projectRoute.PATCH(request("PATCH", "/api/projects/short-lived", { cookie: admin.cookie, body: { urlEnvVar: "APP_DATABASE_URL" } }), ctx({ project: "short-lived" }));
    expect(patched.status).toBe(200);
    const del = await projectRoute.DELETE(request("DELETE", "/api/projects/short-lived", { cookie: admin.cookie }), ctx({ project: "short-lived" }));
    expect(del.status).toBeLessThan(300);
    expect(await db.project.count({ where: { name: "short-lived" } })).toBe(0);

    const res = await auditRoute.GET(request("GET", "/api/audit?project=short-lived", { cookie: viewer.cookie }), ctx({}));
    expect(res.status).toBe(200);
    const events = (await body(res)).events as { action: string; project: string | null }[];
    expect(events.map((e) => e.action)).toEqual(["project.delete", "project.update"]);
    expect(events.every((e) => e.project === "short-lived")).toBe(true);
  }, 60_000);
});
