import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as rehearsalsRoute from "@/app/api/projects/[project]/envs/[env]/rehearsals/route";
import * as rehearsalRoute from "@/app/api/rehearsals/[id]/route";
import { randomBytes } from "node:crypto";
import { parseCairnConfig } from "@/lib/config/cairn-config";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { rehearsalSettingsOf } from "@/lib/rehearsal/rehearsal-settings";
import { sweepRehearsals } from "@/lib/rehearsal/sweep-rehearsals";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";
import { runAlembic } from "@/lib/runner/run-alembic";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { createTarget, type Target } from "@/tests/runner/support";
import { seedProject } from "@/tests/runs-api/support";
import { PG_ADMIN_URL, withClient } from "@/tests/support/databases";
import { ALEMBIC, C3, makeProject } from "@/tests/rehearsal/support";

const P = "rehearsed";
let app: Awaited<ReturnType<typeof useAppStore>>;
let project: ReturnType<typeof makeProject>;
let target: Target;
let users: Record<"rm" | "qa" | "viewer", { cookie: string }>;
let productionId: string;

const envParams = (env: string) => ctx({ project: P, env });
const plan = async (cookie: string) => body(await planRoute.POST(request("POST", `/api/projects/${P}/envs/production/runs/plan`, { cookie, body: { kind: "promotion" } }), envParams("production")));
const rehearsalGate = async () => ((await plan(users.rm.cookie)) as { gates: Array<{ id: string; verdict: string; reason: string }> }).gates.find((g) => g.id === "rehearsal")!;
const rehearse = (cookie: string) => rehearsalsRoute.POST(request("POST", `/api/projects/${P}/envs/production/rehearsals`, { cookie, body: { kind: "promotion" } }), envParams("production"));
const read = async (id: string) => body(await rehearsalRoute.GET(request("GET", `/api/rehearsals/${id}`, { cookie: users.viewer.cookie }), ctx({ id })));

async function untilFinished(id: string): Promise<{ seen: string[]; final: Record<string, unknown> }> {
  const seen: string[] = [];
  for (let i = 0; i < 300; i++) {
    const r = (await read(id)) as { status: string; progress: string | null };
    if (r.status !== "running") return { seen, final: r };
    if (r.progress) seen.push(r.progress);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("rehearsal did not finish within 30 s");
}

beforeAll(async () => {
  app = await useAppStore("cairn_rehearsal_api");
  project = makeProject({ "c3_next.py": C3.good });
  // qa is a SQLite file at c3; production a protected PostgreSQL database at b2.
  const qaUrl = `sqlite:///${path.join(project.dir, "qa.db")}`;
  expect((await runAlembic({ command: ALEMBIC, cwd: project.dir, databaseUrl: qaUrl, args: ["upgrade", "c3"] })).exitCode).toBe(0);
  target = await createTarget("cairn_rehearsal_api");
  await withClient(PG_ADMIN_URL, (c) => c.query("ALTER ROLE cairn_rehearsal_api CREATEDB"));
  expect((await runAlembic({ command: ALEMBIC, cwd: project.dir, databaseUrl: target.url, args: ["upgrade", "b2"] })).exitCode).toBe(0);
  const seeded = await seedProject(app.db, {
    name: P,
    dir: project.dir,
    envs: [
      { name: "qa", url: qaUrl },
      { name: "production", url: target.url, protected: true, rehearsal: {} },
    ],
  });
  productionId = seeded.envs[1]!.id;
  const [rm, qa, viewer] = await Promise.all([signedIn(app.db, "release_manager"), signedIn(app.db, "qa"), signedIn(app.db, "viewer")]);
  users = { rm, qa, viewer };
});

afterAll(async () => {
  await app?.close();
  await target?.drop();
  project?.remove();
});

describe("rehearsals through the API, and the rehearsal gate", () => {
  it("refuses anonymous and viewers; QA and release managers may rehearse", async () => {
    expect((await rehearsalsRoute.POST(request("POST", `/api/projects/${P}/envs/production/rehearsals`, { body: { kind: "promotion" } }), envParams("production"))).status).toBe(401);
    expect((await rehearse(users.viewer.cookie)).status).toBe(403);
  });

  it("blocks a protected promotion until a rehearsal of the same path passes; progress is readable while it runs", async () => {
    const before = await rehearsalGate();
    expect(before.verdict).toBe("block");
    expect(before.reason).toContain("This path has not been rehearsed");
    expect((await plan(users.rm.cookie)).canRequest).toBe(false);

    const res = await rehearse(users.qa.cookie);
    expect(res.status).toBe(202);
    const started = await body(res);
    expect(started.status).toBe("running");
    const { seen, final } = await untilFinished(started.rehearsalId);
    expect(seen.length).toBeGreaterThan(0);
    expect(final).toMatchObject({ status: "finished", ok: true, from: ["b2"], target: "c3", path: ["c3"], roundTrip: { checked: true, reversible: true, differences: [] } });
    expect((final.steps as unknown[]).length).toBe(3);
    expect(JSON.stringify(final)).not.toContain(target.password);

    const after = await rehearsalGate();
    expect(after.verdict).toBe("pass");
    // The target itself was only read.
    expect(await target.readRevisions()).toEqual(["b2"]);

    const list = await body(await rehearsalsRoute.GET(request("GET", `/api/projects/${P}/envs/production/rehearsals`, { cookie: users.viewer.cookie }), envParams("production")));
    expect(list.rehearsals[0]).toMatchObject({ id: started.rehearsalId, status: "finished" });
    expect(list.rehearsals[0].steps[0].log).toBeUndefined();
  }, 60_000);

  it("a double click starts one rehearsal, not two copies of the target; each step's Alembic is audited as command.run", async () => {
    const since = new Date();
    const [first, second] = await Promise.all([rehearse(users.rm.cookie), rehearse(users.rm.cookie)]);
    const [a, b] = [await body(first), await body(second)];
    expect(b.rehearsalId).toBe(a.rehearsalId);
    const { final } = await untilFinished(a.rehearsalId);
    expect(final).toMatchObject({ status: "finished", ok: true });
    const rows = await app.db.rehearsal.findMany({ where: { environmentId: productionId, createdAt: { gte: since } } });
    expect(rows.map((r) => r.id)).toEqual([a.rehearsalId]);
    const audits = await app.db.auditEvent.findMany({ where: { action: "command.run", environmentId: productionId, at: { gte: since } }, orderBy: { id: "asc" } });
    const mine = audits.filter((e) => (e.details as { purpose?: string }).purpose === "rehearsal");
    expect(mine.map((e) => (e.details as { argv: string[] }).argv.slice(-2))).toEqual([
      ["upgrade", "c3"],
      ["downgrade", "b2"],
      ["upgrade", "c3"],
    ]);
    expect((mine[0]!.details as { argv: string[] }).argv.slice(0, 3)).toEqual(ALEMBIC);
    expect(JSON.stringify(mine.map((e) => e.details))).not.toContain(target.password);
  }, 60_000);

  it("an edited migration file needs a new rehearsal; a too-old one no longer counts", async () => {
    const file = path.join(project.dir, "versions", "c3_next.py");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `${original}\n# edited after the rehearsal\n`);
    try {
      expect((await rehearsalGate()).verdict).toBe("block");
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await rehearsalGate()).verdict).toBe("pass");
    await app.db.rehearsal.updateMany({ where: { environmentId: productionId }, data: { finishedAt: new Date(Date.now() - 25 * 3_600_000) } });
    const old = await rehearsalGate();
    expect(old.verdict).toBe("block");
    expect(old.reason).toContain("25 h old; it counts for 24 h");
  });

  it("a failing rehearsal keeps blocking, with the failing migration and the database's error", async () => {
    const file = path.join(project.dir, "versions", "c3_next.py");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, C3.jsonbOnJson);
    try {
      const started = await body(await rehearse(users.rm.cookie));
      const { final } = await untilFinished(started.rehearsalId);
      expect(final).toMatchObject({ status: "finished", ok: false, headline: "migration c3 failed to apply on the copy: operator does not exist: json ? unknown" });
      const gate = await rehearsalGate();
      expect(gate.verdict).toBe("block");
      expect(gate.reason).toContain("The latest rehearsal of this path failed: c3: operator does not exist: json ? unknown");
    } finally {
      fs.writeFileSync(file, original);
    }
  }, 60_000);

  it("an irreversible migration (a raising downgrade) only warns on a protected environment, and blocks where reversibility is required", async () => {
    const file = path.join(project.dir, "versions", "c3_next.py");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, C3.raisingDowngrade);
    try {
      const started = await body(await rehearse(users.rm.cookie));
      const { final } = await untilFinished(started.rehearsalId);
      expect(final).toMatchObject({ status: "finished", ok: false, roundTrip: { checked: true, reversible: false } });
      const gate = await rehearsalGate();
      expect(gate.verdict).toBe("warn");
      expect(gate.reason).toContain("the round trip is not reversible: c3 could not be reverted: NotImplementedError");
      await app.db.environment.update({ where: { id: productionId }, data: { rehearsal: { requireReversible: true } } });
      expect((await rehearsalGate()).verdict).toBe("block");
    } finally {
      await app.db.environment.update({ where: { id: productionId }, data: { rehearsal: {} } });
      fs.writeFileSync(file, original);
    }
  }, 60_000);

  it("the start-up sweep marks a rehearsal whose process died as interrupted", async () => {
    const row = await app.db.rehearsal.create({
      data: {
        projectId: (await app.db.project.findUniqueOrThrow({ where: { name: P } })).id,
        environmentId: productionId,
        kind: "promotion",
        fromKey: "b2",
        target: "c3",
        filesHash: "x",
        status: "running",
        requestedBy: "ghost@example.com",
        heartbeatAt: new Date(Date.now() - 120_000),
      },
    });
    const swept = await sweepRehearsals(app.db);
    expect(swept.interrupted).toBe(1);
    expect(await read(row.id)).toMatchObject({ status: "interrupted", ok: false });
  });

  it("cairn.config.json's rehearsal settings reach the store; a literal rehearsal server URL only encrypted", async () => {
    const key = randomBytes(32);
    const config = parseCairnConfig(
      {
        projects: [
          {
            name: "synced-rehearsals",
            alembic: project.dir,
            rehearsal: { url: "postgresql://rehearse:s3cret-pw@127.0.0.1:5432/postgres", maxAgeHours: 6 },
            environments: [{ name: "prod", url: "env:CAIRN_ENV_TEST_SYNCED_PROD", protected: true, rehearsal: { withData: true, maxDataMb: 5, requireReversible: true } }],
          },
        ],
      },
      path.join(project.dir, "cairn.config.json"),
    );
    await syncConfigProjects(app.db, config, { key });
    const stored = await app.db.project.findUniqueOrThrow({ where: { name: "synced-rehearsals" }, include: { environments: true } });
    expect(JSON.stringify(stored.rehearsal)).not.toContain("s3cret-pw");
    const settings = rehearsalSettingsOf(stored, stored.environments[0]!);
    expect(settings).toMatchObject({ maxAgeHours: 6, withData: true, maxDataMb: 5, requireReversible: true, required: null });
    expect(resolveEnvironmentUrl(settings.server!, { key })).toEqual({ ok: true, url: "postgresql://rehearse:s3cret-pw@127.0.0.1:5432/postgres" });
  });
});
