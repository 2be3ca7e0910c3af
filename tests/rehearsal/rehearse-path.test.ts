import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { rehearsePath, type RehearsePathInput } from "@/lib/rehearsal/rehearse-path";
import { sweepScratchDatabases } from "@/lib/rehearsal/scratch-database";
import { runAlembic } from "@/lib/runner/run-alembic";
import { createTarget, type Target } from "@/tests/runner/support";
import { PG_ADMIN_URL, withClient } from "@/tests/support/databases";
import { ALEMBIC, C3, makeProject } from "@/tests/rehearsal/support";

const projects: Array<{ remove(): void }> = [];
const targets: Target[] = [];

async function upgrade(dir: string, url: string, to: string) {
  const r = await runAlembic({ command: ALEMBIC, cwd: dir, databaseUrl: url, args: ["upgrade", to] });
  if (r.exitCode !== 0) throw new Error(`setup upgrade failed:\n${r.output}`);
}

async function scratchDatabases(): Promise<string[]> {
  return withClient(PG_ADMIN_URL, async (c) => (await c.query<{ d: string }>("SELECT datname AS d FROM pg_database WHERE datname LIKE 'cairn\\_rehearsal\\_%'")).rows.map((r) => r.d));
}

/** The target as a rehearsal must leave it: schema fingerprint, version rows, data, and the databases on its server besides scratch ones. */
async function fingerprint(t: Target): Promise<string> {
  const snap = await readEnvironmentSnapshot({ url: t.url, baseDir: "/", versionTable: "alembic_version", timeoutMs: 5000 });
  if (!snap.ok) throw new Error(snap.message);
  const rows = await t.query("SELECT * FROM notifications ORDER BY id");
  return JSON.stringify({ schema: fingerprintSnapshot(snap.snapshot), versions: await t.readRevisions(), rows });
}

/** A project whose c3 is `c3`, and a PostgreSQL target at b2 holding a row. */
async function scenario(c3: string, c3File = "c3_next.py") {
  const p = makeProject({ [c3File]: c3 });
  projects.push(p);
  const t = await createTarget("cairn_rehearsal_pw");
  targets.push(t);
  // The default rehearsal server is the target's own, with its credentials: they may create databases.
  await withClient(PG_ADMIN_URL, (c) => c.query("ALTER ROLE cairn_rehearsal_pw CREATEDB"));
  await upgrade(p.dir, t.url, "b2");
  await t.query(`INSERT INTO notifications (user_id, payload) VALUES (7, '{"kind": "mention"}')`);
  const { graph } = readProjectGraph(p.dir);
  const input = (extra: Partial<RehearsePathInput> = {}): RehearsePathInput => ({
    id: `t${randomBytes(5).toString("hex")}`,
    targetUrl: t.url,
    projectDir: p.dir,
    alembic: { command: ALEMBIC },
    versionTable: "alembic_version",
    graph,
    from: ["b2"],
    direction: "upgrade",
    steps: [...graph.revisions.keys()].filter((r) => r.startsWith("c3")),
    ...extra,
  });
  return { p, t, graph, input };
}

beforeAll(() => {
  // Tests refuse anything but a local server (tests/support/databases asserts it too).
  expect(new URL(PG_ADMIN_URL).hostname).toBe("127.0.0.1");
});

afterAll(async () => {
  for (const t of targets) await t.drop().catch(() => {});
  for (const p of projects) p.remove();
});

describe("rehearsePath on PostgreSQL with real Alembic", () => {
  it("passes a good path, round-trips it reversibly, leaves the target untouched and drops its copy", async () => {
    const { t, input } = await scenario(C3.good);
    const before = await fingerprint(t);
    const i = input();
    const seen: string[] = [];
    const r = await rehearsePath({ ...i, onProgress: (p) => seen.push(p.label) });
    expect(r.steps.map((s) => [s.revision, s.direction, s.phase, s.ok])).toEqual([
      ["c3", "upgrade", "path", true],
      ["c3", "downgrade", "back", true],
      ["c3", "upgrade", "again", true],
    ]);
    expect(r.roundTrip).toEqual({ checked: true, reversible: true, differences: [] });
    expect(r).toMatchObject({ ok: true, from: ["b2"], to: ["c3"] });
    expect(seen).toContain("Applying c3 (1 of 1) on the copy");
    expect(await fingerprint(t)).toBe(before);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
    // The password never reaches a step's log.
    expect(JSON.stringify(r)).not.toContain(t.password);
  });

  it("refuses to run when env.py ignores the copy's URL and connects to the target: plain message, target unchanged", async () => {
    const { p, t, input } = await scenario(C3.good);
    const envPy = path.join(p.dir, "env.py");
    // An env.py that reads a hard-coded URL (as from alembic.ini's sqlalchemy.url) instead of DATABASE_URL: it points at the target.
    fs.writeFileSync(envPy, fs.readFileSync(envPy, "utf8").replace(/^url = os\.environ\.get\(.*\)$/m, `url = ${JSON.stringify(t.url)}`));
    const before = await fingerprint(t);
    const i = input();
    await expect(rehearsePath(i)).rejects.toMatchObject({
      userMessage: expect.stringContaining(`env.py connected to ${t.name} instead of the rehearsal copy cairn_rehearsal_${i.id}. Cairn stopped it before any statement`),
    });
    expect(await fingerprint(t)).toBe(before);
    expect(await t.readRevisions()).toEqual(["b2"]);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  });

  it("refuses to run when the copy does not start where the plan did (the environment moved)", async () => {
    const { t, input } = await scenario(C3.good);
    const i = input({ from: ["a1"], steps: ["b2", "c3"] });
    await expect(rehearsePath(i)).rejects.toMatchObject({
      userMessage: "The copy of the target stands at b2, but the rehearsal was planned from a1: the environment moved between planning and copying. Nothing was run; rehearse again.",
    });
    expect(await t.readRevisions()).toEqual(["b2"]);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  });

  it("a JSONB operator on a json column fails at its step with the database's error, not a traceback", async () => {
    const { t, input } = await scenario(C3.jsonbOnJson);
    const before = await fingerprint(t);
    const i = input();
    const r = await rehearsePath(i);
    expect(r.ok).toBe(false);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({ revision: "c3", direction: "upgrade", phase: "path", ok: false, error: "operator does not exist: json ? unknown" });
    expect(r.steps[0]!.log).toContain("Traceback");
    expect(r.roundTrip.checked).toBe(false);
    expect(r.headline).toBe("migration c3 failed to apply on the copy: operator does not exist: json ? unknown");
    expect(await fingerprint(t)).toBe(before);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  });

  it("a 41-character revision id fails when Alembic records it in VARCHAR(32)", async () => {
    const { t, input } = await scenario(C3.longId);
    const before = await fingerprint(t);
    const r = await rehearsePath(input());
    expect("c3_create_weekly_notification_digest_tbls").toHaveLength(41);
    expect(r.steps[0]).toMatchObject({ revision: "c3_create_weekly_notification_digest_tbls", ok: false, error: "value too long for type character varying(32)" });
    expect(r.ok).toBe(false);
    expect(await fingerprint(t)).toBe(before);
  });

  it("a downgrade that forgets an index is not reversible, and says which index", async () => {
    const { t, input } = await scenario(C3.forgetsIndex);
    const before = await fingerprint(t);
    const r = await rehearsePath(input());
    // The path and the downgrade pass; repeating the path then fails, because the index it drops is gone.
    expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([
      ["path", true],
      ["back", true],
      ["again", false],
    ]);
    expect(r.steps[2]!.error).toContain("ix_notifications_user_id");
    expect(r.roundTrip.checked).toBe(true);
    expect(r.roundTrip.reversible).toBe(false);
    expect(r.roundTrip.differences).toEqual(["index ix_notifications_user_id on notifications is missing after downgrade"]);
    expect(r.ok).toBe(false);
    expect(await fingerprint(t)).toBe(before);
  });

  it("a downgrade that raises makes the round trip irreversible, not the path failed", async () => {
    const { t, input } = await scenario(C3.raisingDowngrade);
    const before = await fingerprint(t);
    const r = await rehearsePath(input());
    expect(r.steps.map((s) => [s.phase, s.ok])).toEqual([
      ["path", true],
      ["back", false],
    ]);
    expect(r.roundTrip).toEqual({ checked: true, reversible: false, differences: ["c3 could not be reverted: NotImplementedError: c3 cannot be reverted: archived rows would be lost"] });
    expect(r.ok).toBe(false);
    expect(r.headline).toBe("All 1 migration passed on the copy, but the round trip is not reversible: c3 could not be reverted: NotImplementedError: c3 cannot be reverted: archived rows would be lost.");
    expect(await fingerprint(t)).toBe(before);
  });

  it("copies the rows too with withData, within its size cap, and refuses a target over the cap", async () => {
    const { input } = await scenario(C3.good);
    let rows: number | null = null;
    const i = input();
    const r = await rehearsePath({
      ...i,
      withData: { maxBytes: 1024 * 1_048_576 },
      onScratch: (s) =>
        void withClient(`${PG_ADMIN_URL.replace(/\/[^/]*$/, "")}/${s.name}`, async (c) => {
          rows = Number((await c.query<{ n: string }>("SELECT count(*)::text AS n FROM notifications")).rows[0]!.n);
        }),
    });
    expect(r.ok).toBe(true);
    expect(rows).toBe(1);
    await expect(rehearsePath({ ...input(), withData: { maxBytes: 1024 } })).rejects.toMatchObject({ code: "config", userMessage: expect.stringContaining("over the rehearsal's data-copy cap") });
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
  });

  it("a pg_dump that fails while streaming into psql stops both and drops the copy", async () => {
    const { t, input } = await scenario(C3.good);
    const before = await fingerprint(t);
    const i = input({ versionTable: "no_such_version_table" });
    await expect(rehearsePath(i)).rejects.toMatchObject({ userMessage: expect.stringMatching(/^pg_dump could not copy the version table's rows: pg_dump: error: no matching tables were found/) });
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
    expect(await fingerprint(t)).toBe(before);
  });

  it("says what to do when the target's user may not create databases, and uses a rehearsal server instead", async () => {
    const { input } = await scenario(C3.good);
    await withClient(PG_ADMIN_URL, (c) => c.query("ALTER ROLE cairn_rehearsal_pw NOCREATEDB"));
    try {
      await expect(rehearsePath(input())).rejects.toMatchObject({ userMessage: expect.stringContaining("Grant that user CREATEDB, or set the project's rehearsal.url") });
      // A rehearsal server of its own (rehearsal.url) where Cairn may create databases: the target is still only read.
      const i = input({ serverUrl: PG_ADMIN_URL });
      const r = await rehearsePath(i);
      expect(r.ok).toBe(true);
      expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${i.id}`);
    } finally {
      await withClient(PG_ADMIN_URL, (c) => c.query("ALTER ROLE cairn_rehearsal_pw CREATEDB"));
    }
  });

  it("leaves no scratch database behind after a kill -9 mid-rehearsal, once the start-up sweep has run", async () => {
    const { p, t } = await scenario(C3.good);
    const before = await fingerprint(t);
    const id = `k${randomBytes(5).toString("hex")}`;
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/rehearsal/harness/rehearse-in-child.ts"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, TARGET_URL: t.url, PROJECT_DIR: p.dir, REHEARSAL_ID: id },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no scratch database within 30 s:\n${out}`)), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("scratch ")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Alembic is now inside c3 (each migration sleeps 30 s): the copy exists.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await scratchDatabases()).toContain(`cairn_rehearsal_${id}`);
    child.kill("SIGKILL");
    await exited;
    expect(await scratchDatabases()).toContain(`cairn_rehearsal_${id}`);

    const swept = await sweepScratchDatabases([t.url]);
    expect(swept.dropped).toContain(`cairn_rehearsal_${id}`);
    expect(await scratchDatabases()).not.toContain(`cairn_rehearsal_${id}`);
    expect(await fingerprint(t)).toBe(before);
  }, 60_000);

  it("the sweep leaves a live rehearsal's copy alone", async () => {
    const { input } = await scenario(C3.good);
    const i = input({ alembic: { command: ALEMBIC, xArgs: ["step_delay=3"] } });
    let sweeping: Promise<{ present: boolean; swept: string[]; stillThere: boolean }> | null = null;
    const r = await rehearsePath({
      ...i,
      onScratch: () => {
        sweeping = (async () => {
          const present = (await scratchDatabases()).includes(`cairn_rehearsal_${i.id}`);
          const swept = (await sweepScratchDatabases([i.targetUrl])).dropped;
          return { present, swept, stillThere: (await scratchDatabases()).includes(`cairn_rehearsal_${i.id}`) };
        })();
      },
    });
    // The sweep ran to its end while the copy was in use (each step sleeps 3 s), and the rehearsal was not disturbed.
    expect(sweeping).not.toBeNull();
    const seen = await sweeping!;
    expect(seen).toEqual({ present: true, swept: expect.not.arrayContaining([`cairn_rehearsal_${i.id}`]) as unknown as string[], stillThere: true });
    expect(r.ok).toBe(true);
  }, 60_000);
});

describe("rehearsePath on SQLite with real Alembic", () => {
  it("rehearses on a copy of the file: the forgotten index is found and the target file is unchanged", async () => {
    const p = makeProject({ "c3_next.py": C3.forgetsIndex });
    projects.push(p);
    const file = path.join(p.dir, "target.db");
    const url = `sqlite:///${file}`;
    await upgrade(p.dir, url, "b2");
    const bytes = fs.readFileSync(file);
    const { graph } = readProjectGraph(p.dir);
    let copy = "";
    const r = await rehearsePath({ targetUrl: url, projectDir: p.dir, alembic: { command: ALEMBIC }, versionTable: "alembic_version", graph, from: ["b2"], direction: "upgrade", steps: ["c3"], onScratch: (s) => (copy = s.name) });
    expect(r.steps.map((s) => s.ok)).toEqual([true, true, false]);
    expect(r.roundTrip.differences).toEqual(["index ix_notifications_user_id on notifications is missing after downgrade"]);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    // Only this rehearsal's own copy: other tests' rehearsals may be running in the same temporary directory.
    expect(path.basename(path.dirname(copy))).toMatch(/^cairn-rehearsal-/);
    expect(fs.existsSync(path.dirname(copy))).toBe(false);
  });

  it("refuses an env.py that opens the target file instead of the copy, before any statement", async () => {
    const p = makeProject({ "c3_next.py": C3.good });
    projects.push(p);
    const file = path.join(p.dir, "target.db");
    const url = `sqlite:///${file}`;
    await upgrade(p.dir, url, "b2");
    const envPy = path.join(p.dir, "env.py");
    fs.writeFileSync(envPy, fs.readFileSync(envPy, "utf8").replace(/^url = os\.environ\.get\(.*\)$/m, `url = ${JSON.stringify(url)}`));
    const bytes = fs.readFileSync(file);
    const { graph } = readProjectGraph(p.dir);
    await expect(rehearsePath({ targetUrl: url, projectDir: p.dir, alembic: { command: ALEMBIC }, versionTable: "alembic_version", graph, from: ["b2"], direction: "upgrade", steps: ["c3"] })).rejects.toMatchObject({
      userMessage: expect.stringContaining(`env.py connected to ${fs.realpathSync(file)} instead of the rehearsal copy`),
    });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it("a good path round-trips reversibly on SQLite", async () => {
    const p = makeProject({ "c3_next.py": C3.good });
    projects.push(p);
    const url = `sqlite:///${path.join(p.dir, "target.db")}`;
    await upgrade(p.dir, url, "b2");
    const { graph } = readProjectGraph(p.dir);
    const r = await rehearsePath({ targetUrl: url, projectDir: p.dir, alembic: { command: ALEMBIC }, versionTable: "alembic_version", graph, from: ["b2"], direction: "upgrade", steps: ["c3"] });
    expect(r.ok).toBe(true);
    expect(r.roundTrip).toEqual({ checked: true, reversible: true, differences: [] });
  });
});
