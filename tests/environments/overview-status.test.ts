/**
 * The overview's status (GET /api/projects/:project/status) and its on-demand pending list
 * (GET …/envs/:env/pending) on real SQLite environments moved by real Alembic, with the store on
 * real PostgreSQL: compact pending counts, an environment ahead of its predecessor after a real
 * downgrade, the last run when it failed, and a new migration file showing without a restart.
 */
import { useAppStore } from "@/tests/auth/helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { addMigration, alembic, copyFixture, LONG_REV, MAIN_HEAD } from "@/tests/environments/support";
import type { OverviewStatus } from "@/lib/targets/summarize-project-status";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let project: string;
let token: string;
let statusGET: (req: Request, ctx: { params: Promise<{ project: string }> }) => Promise<Response>;
let pendingGET: (req: Request, ctx: { params: Promise<{ project: string; env: string }> }) => Promise<Response>;
let recordRun: (env: string, status: "succeeded" | "failed" | "interrupted", minutesAgo: number) => Promise<string>;
const keyHex = randomBytes(32).toString("hex");

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = keyHex;
  app = await useAppStore("cairn_overview_status");
  project = copyFixture("cairn-overview-");
  alembic(project, ["upgrade", "heads"], { url: "sqlite:///qa.db" });
  // staging was downgraded one step after production was promoted: production is now ahead of it.
  alembic(project, ["upgrade", MAIN_HEAD], { url: "sqlite:///staging.db" });
  alembic(project, ["downgrade", "-1"], { url: "sqlite:///staging.db" });
  alembic(project, ["upgrade", MAIN_HEAD], { url: "sqlite:///production.db" });

  const { getDb } = await import("@/lib/db/client");
  const { createUser } = await import("@/lib/auth/create-user");
  const { createApiToken } = await import("@/lib/auth/manage-api-tokens");
  const { createProject } = await import("@/lib/projects/create-project");
  const { createEnvironment } = await import("@/lib/projects/create-environment");
  const db = await getDb();
  const user = await createUser(db, { email: "viewer@example.com", password: "correct-horse-battery", role: "viewer" });
  const actor = { kind: "user" as const, userId: user.id, email: user.email, name: user.name, role: user.role };
  token = (await createApiToken(db, actor, { name: "poll", scopes: ["status:read"] })).token;
  const created = await createProject(db, { name: "shop", alembicPath: path.join(project, "alembic.ini") }, actor);
  const key = Buffer.from(keyHex, "hex");
  for (const name of ["qa", "staging", "production"]) await createEnvironment(db, "shop", { name, url: `sqlite:///${name}.db` }, { actor, key });
  const envs = await db.environment.findMany({ where: { projectId: created.id } });
  recordRun = async (env, status, minutesAgo) => {
    const at = new Date(Date.now() - minutesAgo * 60_000);
    const run = await db.run.create({
      data: { projectId: created.id, environmentId: envs.find((e) => e.name === env)!.id, kind: "upgrade", status, target: "heads", requestedById: user.id, createdAt: at, startedAt: at, finishedAt: at },
    });
    return run.id;
  };
  ({ GET: statusGET } = await import("@/app/api/projects/[project]/status/route"));
  ({ GET: pendingGET } = await import("@/app/api/projects/[project]/envs/[env]/pending/route"));
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${token}` });
const status = async (): Promise<OverviewStatus> => {
  const res = await statusGET(new Request("http://localhost/api/projects/shop/status", { headers: auth() }), { params: Promise.resolve({ project: "shop" }) });
  expect(res.status).toBe(200);
  return (await res.json()) as OverviewStatus;
};
const pending = (env: string, headers: Record<string, string> = auth()) => pendingGET(new Request(`http://localhost/api/projects/shop/envs/${env}/pending`, { headers }), { params: Promise.resolve({ project: "shop", env }) });

describe("the overview's status", () => {
  it("sends pending counts and first ids, and flags production ahead of staging after staging's downgrade", async () => {
    const s = await status();
    const by = Object.fromEntries(s.environments.map((e) => [e.name, e]));
    expect(by.qa).toMatchObject({ state: "current", pendingCount: 0 });
    expect(by.staging).toMatchObject({ state: "behind", revisions: ["3c4d5e6f7003"], pendingCount: 3 });
    expect(by.staging!.pendingFirst).toHaveLength(3);
    expect(by.staging).not.toHaveProperty("pending");
    expect(by.production).toMatchObject({ state: "behind", revisions: [MAIN_HEAD], pendingCount: 2, ahead: { of: "staging", count: 1, first: [MAIN_HEAD] } });
    expect(by.qa!.ahead).toBeUndefined();
    expect(by.staging!.ahead).toBeUndefined();
    expect(s.revisions[MAIN_HEAD]!.message).toBeTruthy();
  });

  it("shows a failed or interrupted last run, and stops showing it once a later run succeeds", async () => {
    await recordRun("qa", "failed", 30);
    await recordRun("qa", "succeeded", 10);
    const failed = await recordRun("staging", "failed", 5);
    await recordRun("production", "succeeded", 40);
    const interrupted = await recordRun("production", "interrupted", 20);
    const s = await status();
    expect(Object.fromEntries(s.environments.map((e) => [e.name, e.lastRunProblem ? [e.lastRunProblem.id, e.lastRunProblem.status] : null]))).toEqual({
      qa: null,
      staging: [failed, "failed"],
      production: [interrupted, "interrupted"],
    });
  });

  it("loads one environment's whole pending list on demand, in the order Alembic runs it", async () => {
    const res = await pending("staging");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { environment: string; pending: { id: string; message: string }[] };
    expect(body.environment).toBe("staging");
    expect(body.pending.map((r) => r.id).sort()).toEqual([MAIN_HEAD, "7f10aa000001", LONG_REV].sort());
    expect(body.pending.findIndex((r) => r.id === "7f10aa000001")).toBeLessThan(body.pending.findIndex((r) => r.id === LONG_REV));
    expect(JSON.stringify(body)).not.toMatch(/sqlite:|urlEncrypted/);
  });

  it("refuses the pending list to anonymous callers and names an unknown environment", async () => {
    expect((await pending("staging", {})).status).toBe(401);
    const res = await pending("nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toMatch(/no environment named "nope"/);
  });

  it("sees a new migration file without a restart", async () => {
    const before = await status();
    addMigration(project, "5e6f70819205", MAIN_HEAD);
    let after = before;
    for (let i = 0; i < 50 && after.revisionCount === before.revisionCount; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await status();
    }
    expect(after.revisionCount).toBe(before.revisionCount + 1);
    expect(after.heads).toContain("5e6f70819205");
    expect(after.environments.find((e) => e.name === "qa")).toMatchObject({ state: "behind", pendingFirst: ["5e6f70819205"] });
  });
});
