import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { findEditedAppliedFiles } from "@/lib/applied-files/find-edited-applied-files";
import { recordObservedAppliedFiles } from "@/lib/applied-files/record-applied-files";
import { readProjectAppliedFileEdits } from "@/lib/applied-files/read-project-applied-file-edits";
import { serverUrlOptions } from "@/lib/projects/load-project";
import { readProjectGraphAsync } from "@/lib/project-graph/read-project-graph";
import { runExecution } from "@/lib/runs/start-run";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { alembic } from "@/tests/environments/support";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import * as envRunsRoute from "@/app/api/projects/[project]/envs/[env]/runs/route";
import * as appliedFilesRoute from "@/app/api/projects/[project]/applied-files/route";

type User = Awaited<ReturnType<typeof signedIn>>;
let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
let alice: User, viewer: User;
let projectId: string;
const P = "applied-files";
const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const versions = (name: string) => path.join(fixture.dir, "versions", name);
const plan = async (env: string, b: unknown) => body(await planRoute.POST(request("POST", `/api/projects/${P}/envs/${env}/runs/plan`, { cookie: alice.cookie, body: b }), ctx({ project: P, env })));

beforeAll(async () => {
  app = await useAppStore("cairn_applied_files");
  db = app.db;
  fixture = copyFixtureProject(["qa", "staging"]);
  const seeded = await seedProject(db, {
    name: P,
    dir: fixture.dir,
    envs: [
      { name: "qa", url: fixture.urls.qa! },
      { name: "staging", url: fixture.urls.staging! },
    ],
  });
  projectId = seeded.project.id;
  [alice, viewer] = await Promise.all([signedIn(db, "release_manager"), signedIn(db, "viewer")]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("applied-file checksums with real Alembic on SQLite", () => {
  it("a Cairn run records the hash of every file it applied", async () => {
    const res = await envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie: alice.cookie, body: { kind: "upgrade", target: "e5" } }), ctx({ project: P, env: "qa" }));
    expect(res.status).toBe(202);
    const { runId } = await body(res);
    await runExecution(runId);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");
    const rows = await db.appliedFile.findMany({ where: { environment: { name: "qa", projectId } }, orderBy: { revision: "asc" } });
    expect(rows.map((r) => [r.revision, r.source, r.runId, r.file])).toEqual(
      ["a1_create_customers.py", "b2_add_customer_name.py", "c3_create_orders.py", "d4_index_orders.py", "e5_seed_statuses.py"].map((f) => [f.slice(0, 2), "run", runId, path.join("versions", f)]),
    );
    expect(rows.find((r) => r.revision === "d4")?.sha256).toBe(sha(versions("d4_index_orders.py")));
  }, 60_000);

  it("revisions applied outside Cairn get their hashes when Cairn first sees them, and edited files are flagged as a gate warning", async () => {
    alembic(fixture.dir, ["upgrade", "c3"], { url: fixture.urls.staging! });
    const clean = await plan("staging", { kind: "upgrade", target: "e5" });
    expect(clean.gates.find((g: { id: string }) => g.id === "applied-files")).toMatchObject({ verdict: "pass" });
    const seen = await db.appliedFile.findMany({ where: { environment: { name: "staging", projectId } }, orderBy: { revision: "asc" } });
    expect(seen.map((r) => [r.revision, r.source, r.runId])).toEqual([
      ["a1", "observed", null],
      ["b2", "observed", null],
      ["c3", "observed", null],
    ]);
    expect(seen[1]!.sha256).toBe(sha(versions("b2_add_customer_name.py")));

    // d4 (applied to qa by the run above) and b2 (applied to both) are edited afterwards.
    fs.appendFileSync(versions("d4_index_orders.py"), "\n# tweaked after the release\n");
    fs.appendFileSync(versions("b2_add_customer_name.py"), "\n# tweaked after the release\n");
    const warned = await plan("staging", { kind: "upgrade", target: "e5" });
    const gate = warned.gates.find((g: { id: string }) => g.id === "applied-files");
    const day = new Date().toISOString().slice(0, 10);
    expect(gate).toMatchObject({ verdict: "warn", reason: `d4 (versions/d4_index_orders.py) was edited after it was applied to qa on ${day} — the database did not get this change.` });
    expect(gate.unblock).toBe("This run applies the files as they are now, so staging will not match qa. Restore the file, or carry the change to qa in a new migration.");
    expect(warned.canRequest).toBe(true);

    const { graph } = await readProjectGraphAsync(fixture.dir);
    const all = await findEditedAppliedFiles(db, { projectId, graph, rootDir: fixture.dir });
    expect(all.map((e) => [e.revision, e.environment, e.source]).sort()).toEqual([
      ["b2", "qa", "run"],
      ["b2", "staging", "observed"],
      ["d4", "qa", "run"],
    ]);

    const res = await appliedFilesRoute.GET(request("GET", `/api/projects/${P}/applied-files`, { cookie: viewer.cookie }), ctx({ project: P }));
    expect(res.status).toBe(200);
    const { edits } = await body(res);
    expect(edits.find((e: { revision: string; environment: string }) => e.revision === "b2" && e.environment === "staging").message).toBe(
      `b2 (versions/b2_add_customer_name.py) was edited after Cairn first saw it applied to staging on ${day} — the database did not get this change.`,
    );
    expect((await appliedFilesRoute.GET(request("GET", `/api/projects/${P}/applied-files`), ctx({ project: P }))).status).toBe(401);

    // Downgraded outside Cairn: b2 is no longer applied on staging, so its edit concerns staging no more.
    alembic(fixture.dir, ["downgrade", "a1"], { url: fixture.urls.staging! });
    const after = (await body(await appliedFilesRoute.GET(request("GET", `/api/projects/${P}/applied-files`, { cookie: viewer.cookie }), ctx({ project: P })))).edits;
    expect(after.map((e: { revision: string; environment: string }) => `${e.revision}@${e.environment}`).sort()).toEqual(["b2@qa", "d4@qa"]);
    expect((await db.appliedFile.findMany({ where: { environment: { name: "staging", projectId } } })).map((r) => r.revision)).toEqual(["a1"]);
  }, 60_000);

  it("a downgrade forgets the files it removed; applying the edited file again records its new hash", async () => {
    const down = await envRunsRoute.POST(
      request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie: alice.cookie, body: { kind: "downgrade", target: "c3", destructiveConfirmation: ["e5", "d4"] } }),
      ctx({ project: P, env: "qa" }),
    );
    expect(down.status, JSON.stringify(await down.clone().json())).toBe(202);
    await runExecution((await body(down)).runId);
    expect((await db.appliedFile.findMany({ where: { environment: { name: "qa", projectId } } })).map((r) => r.revision).sort()).toEqual(["a1", "b2", "c3"]);
    const up = await envRunsRoute.POST(request("POST", `/api/projects/${P}/envs/qa/runs`, { cookie: alice.cookie, body: { kind: "upgrade", target: "d4" } }), ctx({ project: P, env: "qa" }));
    await runExecution((await body(up)).runId);
    expect((await db.appliedFile.findUniqueOrThrow({ where: { environmentId_revision: { environmentId: (await db.environment.findFirstOrThrow({ where: { name: "qa", projectId } })).id, revision: "d4" } } })).sha256).toBe(
      sha(versions("d4_index_orders.py")),
    );
  }, 90_000);

  it("a version table read before a run cannot forget what the run recorded after it; a missing table forgets nothing", async () => {
    const env = await db.environment.findFirstOrThrow({ where: { projectId, name: "staging" } });
    const { project: loaded, graph } = await readProjectGraphAsync(path.join(fixture.dir, "alembic.ini"));
    const rootDir = loaded.location.rootDir;
    await db.appliedFile.deleteMany({ where: { environmentId: env.id } });
    // A poll reads staging at c3 …
    const readAt = new Date();
    await new Promise((r) => setTimeout(r, 20));
    // … a run applies d4 and records it …
    await db.appliedFile.create({ data: { environmentId: env.id, revision: "d4", sha256: sha(versions("d4_index_orders.py")), file: "versions/d4_index_orders.py", source: "run" } });
    // … then the poll records what it read: d4 stays.
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt, graph, rootDir });
    expect((await db.appliedFile.findMany({ where: { environmentId: env.id }, orderBy: { revision: "asc" } })).map((r) => r.revision)).toEqual(["a1", "b2", "c3", "d4"]);
    // An empty or missing version table (a wrong version_table_schema looks the same) drops no row.
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: [], readAt: new Date(), graph, rootDir });
    expect(await db.appliedFile.count({ where: { environmentId: env.id } })).toBe(4);
    // A read that started after d4 was recorded, at c3, does forget it: staging was downgraded since.
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt: new Date(), graph, rootDir });
    expect((await db.appliedFile.findMany({ where: { environmentId: env.id }, orderBy: { revision: "asc" } })).map((r) => r.revision)).toEqual(["a1", "b2", "c3"]);
  }, 60_000);

  it("observing the same reading again still settles what changed in between: a row kept for a later run, a row another instance dropped", async () => {
    const env = await db.environment.findFirstOrThrow({ where: { projectId, name: "staging" } });
    const { project: loaded, graph } = await readProjectGraphAsync(path.join(fixture.dir, "alembic.ini"));
    const rootDir = loaded.location.rootDir;
    const rows = async () => (await db.appliedFile.findMany({ where: { environmentId: env.id }, orderBy: { revision: "asc" } })).map((r) => r.revision);
    await db.appliedFile.deleteMany({ where: { environmentId: env.id } });
    const readAt = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await db.appliedFile.create({ data: { environmentId: env.id, revision: "d4", sha256: sha(versions("d4_index_orders.py")), file: "versions/d4_index_orders.py", source: "run" } });
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt, graph, rootDir });
    expect(await rows()).toEqual(["a1", "b2", "c3", "d4"]);
    // The same rows read again, after d4 was recorded: staging stands at c3, so d4 goes.
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt: new Date(), graph, rootDir });
    expect(await rows()).toEqual(["a1", "b2", "c3"]);
    // Settled; then another instance drops b2's row. The next observation of the same rows records it again.
    await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt: new Date(), graph, rootDir });
    await db.appliedFile.delete({ where: { environmentId_revision: { environmentId: env.id, revision: "b2" } } });
    expect(await recordObservedAppliedFiles(db, { environmentId: env.id, revisions: ["c3"], readAt: new Date(), graph, rootDir })).toBe(1);
    expect(await rows()).toEqual(["a1", "b2", "c3"]);
  }, 60_000);

  it("a first sighting of more revisions than one insert holds records each of them once, also when two observations race", async () => {
    // A linear chain of 1,234 revisions: first sightings are inserted a few hundred rows per statement.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-applied-chain-"));
    try {
      fs.mkdirSync(path.join(dir, "versions"));
      fs.writeFileSync(path.join(dir, "alembic.ini"), "[alembic]\nscript_location = %(here)s\n");
      const ids = Array.from({ length: 1234 }, (_, i) => `r${String(i).padStart(5, "0")}`);
      ids.forEach((id, i) => fs.writeFileSync(path.join(dir, "versions", `${id}.py`), `revision = '${id}'\ndown_revision = ${i ? `'${ids[i - 1]}'` : "None"}\n`));
      const project = await db.project.create({ data: { name: "applied-chain", alembicPath: path.join(dir, "alembic.ini") } });
      const env = await db.environment.create({ data: { projectId: project.id, name: "qa", position: 0, urlMasked: "sqlite:///qa.db" } });
      const { project: loaded, graph } = await readProjectGraphAsync(path.join(dir, "alembic.ini"));
      const observe = (revisions: string[]) => recordObservedAppliedFiles(db, { environmentId: env.id, revisions, readAt: new Date(), graph, rootDir: loaded.location.rootDir });
      const added = await Promise.all([observe([ids.at(-1)!]), observe([ids.at(-1)!])]);
      expect(added[0]! + added[1]!).toBe(1234);
      const rows = await db.appliedFile.findMany({ where: { environmentId: env.id }, orderBy: { revision: "asc" } });
      expect(rows.map((r) => r.revision)).toEqual(ids);
      expect(rows.every((r) => r.source === "observed" && r.runId === null)).toBe(true);
      expect(rows[777]).toMatchObject({ file: path.join("versions", `${ids[777]}.py`), sha256: sha(path.join(dir, "versions", `${ids[777]}.py`)) });
      // Settled: the same reading adds nothing; one revision downgraded away outside Cairn is forgotten.
      expect(await observe([ids.at(-1)!])).toBe(0);
      await observe([ids.at(-2)!]);
      expect(await db.appliedFile.count({ where: { environmentId: env.id } })).toBe(1233);
      await db.project.delete({ where: { id: project.id } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("the overview hands over its own version-table readings, which are used instead of reading every table again", async () => {
    const staging = await db.environment.findFirstOrThrow({ where: { projectId, name: "staging" } });
    const qa = await db.environment.findFirstOrThrow({ where: { projectId, name: "qa" } });
    const rows = async (environmentId: string) => (await db.appliedFile.findMany({ where: { environmentId }, orderBy: { revision: "asc" } })).map((r) => r.revision);
    const qaBefore = await rows(qa.id);
    // The store says staging has a1..c3; the database itself stands at a1 (downgraded above). The page's
    // reading says c3, and qa was unreachable when the page read it.
    expect(await rows(staging.id)).toEqual(["a1", "b2", "c3"]);
    const checkedAt = new Date().toISOString();
    await readProjectAppliedFileEdits(db, P, {
      ...serverUrlOptions(),
      readings: [
        { name: "qa", state: "unreachable", revisions: [], checkedAt },
        { name: "staging", state: "behind", revisions: ["c3"], checkedAt },
      ],
    });
    // Recorded from the reading handed over (c3 and its ancestors stay), not from a second read (a1).
    expect(await rows(staging.id)).toEqual(["a1", "b2", "c3"]);
    expect(await rows(qa.id)).toEqual(qaBefore);
    // Without readings it reads the tables itself, and staging's real a1 forgets b2 and c3.
    await readProjectAppliedFileEdits(db, P, serverUrlOptions());
    expect(await rows(staging.id)).toEqual(["a1"]);
  }, 60_000);

  it("what is shown is not read from the store again while it is unchanged, yet a new recording and an edited file show at once", async () => {
    const shown = async () => (await readProjectAppliedFileEdits(db, P, serverUrlOptions())).map((e) => `${e.revision}@${e.environment}`).sort();
    const first = await shown();
    expect(await shown()).toEqual(first);
    // Another request (or instance) records c3 on qa afresh, with another hash: the next check sees it.
    const qa = await db.environment.findFirstOrThrow({ where: { projectId, name: "qa" } });
    await db.appliedFile.update({ where: { environmentId_revision: { environmentId: qa.id, revision: "c3" } }, data: { sha256: "0".repeat(64), appliedAt: new Date() } });
    expect(await shown()).toEqual([...first, "c3@qa"].sort());
    // A file edited since: every check hashes the files again (by size and mtime), cached rows or not.
    fs.appendFileSync(versions("a1_create_customers.py"), "\n# tweaked after the release\n");
    expect(await shown()).toEqual([...first, "a1@qa", "a1@staging", "c3@qa"].sort());
  }, 60_000);
});
