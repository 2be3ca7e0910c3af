import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { readProjectStatus, type StatusEnvironmentInput } from "@/lib/targets/read-project-status";
import { configProjectStatusInput } from "@/lib/targets/config-project-status-input";
import { TargetPools } from "@/lib/targets/target-pools";
import { parseCairnConfig } from "@/lib/config/cairn-config";
import { createTestDatabase, pgUrl, PG_ADMIN_URL, withClient } from "@/tests/support/databases";
import { addMigration, alembic, closedPort, copyFixture, LONG_REV, MAIN_HEAD, withUser } from "@/tests/environments/support";

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;
const dbs: Record<string, TestDb> = {};
const suffix = randomBytes(3).toString("hex");
const NOLOGIN = `cairn_nologin_${suffix}`;
const READER = `cairn_noselect_${suffix}`;
let project: string;
let newer: string;
let lockHolder: pg.Client;
let port: number;

const ok = (url: string) => ({ ok: true as const, url });
const env = (name: string, url: string, extra: Partial<StatusEnvironmentInput> = {}): StatusEnvironmentInput => ({ name, url: ok(url), ...extra });

const admin = <T>(fn: (c: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> => withClient(url, fn);

beforeAll(async () => {
  project = copyFixture();
  newer = copyFixture("cairn-envp-newer-");
  addMigration(newer, "5e6f70819205", MAIN_HEAD);
  for (const k of ["current", "behind", "rows", "unknown", "empty", "uninit", "locked"]) dbs[k] = await createTestDatabase(`cairn_env_${k}`);

  // current: every head applied, into a custom version table in another schema, wide enough for the 40-character id.
  await admin((c) => c.query(`CREATE SCHEMA ops; CREATE TABLE ops.cairn_versions (version_num varchar(64) NOT NULL PRIMARY KEY)`), dbs.current!.url);
  alembic(project, ["upgrade", "heads"], { url: dbs.current!.url, versionTable: "cairn_versions", versionTableSchema: "ops" });
  // behind: part of the main branch.
  alembic(project, ["upgrade", "2b3c4d5e6f02"], { url: dbs.behind!.url });
  // several rows: the main head and the labelled reporting branch's first revision, side by side.
  alembic(project, ["upgrade", MAIN_HEAD], { url: dbs.rows!.url });
  alembic(project, ["upgrade", "reporting@7f10aa000001"], { url: dbs.rows!.url });
  // unknown-revision: migrated by a newer release of the repo than the one Cairn reads.
  alembic(newer, ["upgrade", "5e6f70819205"], { url: dbs.unknown!.url });
  // empty: the version table stays behind when everything is downgraded.
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: dbs.empty!.url });
  alembic(project, ["downgrade", "base"], { url: dbs.empty!.url });
  // locked: another session holds an ACCESS EXCLUSIVE lock on the version table, so reading it blocks.
  alembic(project, ["upgrade", "1a2b3c4d5e01"], { url: dbs.locked!.url });
  lockHolder = new pg.Client({ connectionString: dbs.locked!.url });
  await lockHolder.connect();
  await lockHolder.query("BEGIN");
  await lockHolder.query("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE");

  await admin((c) => c.query(`CREATE ROLE ${NOLOGIN} NOLOGIN PASSWORD 'pw-${suffix}'; CREATE ROLE ${READER} LOGIN PASSWORD 'pw-${suffix}'`));
  port = await closedPort();
}, 120_000);

afterAll(async () => {
  await lockHolder?.end().catch(() => {});
  for (const d of Object.values(dbs)) await d.drop();
  await admin((c) => c.query(`DROP ROLE IF EXISTS ${NOLOGIN}; DROP ROLE IF EXISTS ${READER}`));
  for (const dir of [project, newer]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL environments brought to each state by real Alembic", () => {
  it("reads every state in parallel; a blocked database times out without delaying the others", async () => {
    const { graph, project: loaded } = readProjectGraph(path.join(project, "alembic.ini"));
    const started = performance.now();
    const status = await readProjectStatus(
      {
        name: "shop",
        alembicPath: path.join(project, "alembic.ini"),
        environments: [
          env("current", dbs.current!.url, { versionTable: "cairn_versions", versionTableSchema: "ops" }),
          env("behind", dbs.behind!.url),
          env("rows", dbs.rows!.url),
          env("unknown", dbs.unknown!.url),
          env("empty", dbs.empty!.url),
          env("uninit", dbs.uninit!.url),
          env("locked", dbs.locked!.url, { timeoutMs: 1500 }),
          env("nologin", withUser(dbs.behind!.url, NOLOGIN, `pw-${suffix}`)),
          env("norole", withUser(dbs.behind!.url, `cairn_ghost_${suffix}`, "hunter2-secret")),
          env("noselect", withUser(dbs.behind!.url, READER, `pw-${suffix}`)),
          env("missingdb", pgUrl(`cairn_env_missing_${suffix}`)),
          env("closed", `postgresql://postgres:pw-${suffix}@127.0.0.1:${port}/postgres`),
          env("nohost", "postgresql://postgres@cairn-no-such-host.invalid/postgres"),
        ],
      },
      { graph: { graph, rootDir: loaded.location.rootDir } },
    );
    const elapsed = performance.now() - started;
    const by = Object.fromEntries(status.environments.map((e) => [e.name, e]));
    // Heads come in Alembic 1.8's load order, the copied directory's listing order (the agreement suite proves it).
    expect([...status.heads].sort()).toEqual([MAIN_HEAD, LONG_REV].sort());
    expect(status.environments.map((e) => e.name)).toEqual(["current", "behind", "rows", "unknown", "empty", "uninit", "locked", "nologin", "norole", "noselect", "missingdb", "closed", "nohost"]);

    expect(by.current).toMatchObject({ state: "current", pending: [], versionNumWidth: 64, tooLong: [] });
    expect(new Set(by.current!.revisions)).toEqual(new Set([MAIN_HEAD, LONG_REV]));

    expect(by.behind).toMatchObject({ state: "behind", revisions: ["2b3c4d5e6f02"], versionNumWidth: 32, tooLong: [LONG_REV] });
    expect(new Set(by.behind!.pending)).toEqual(new Set(["3c4d5e6f7003", MAIN_HEAD, "7f10aa000001", LONG_REV]));
    expect(by.behind!.pending.indexOf("3c4d5e6f7003")).toBeLessThan(by.behind!.pending.indexOf(MAIN_HEAD));

    expect(by.rows!.state).toBe("behind");
    expect(new Set(by.rows!.revisions)).toEqual(new Set([MAIN_HEAD, "7f10aa000001"]));
    expect(by.rows!.pending).toEqual([LONG_REV]);

    expect(by.unknown).toMatchObject({ state: "unknown-revision", revisions: ["5e6f70819205"], unknownRevisions: ["5e6f70819205"] });
    expect(by.unknown!.error).toMatch(/stamped at a revision the repo lacks.*a branch never merged, or a newer release/);

    expect(by.empty).toMatchObject({ state: "empty", revisions: [] });
    expect(by.empty!.pending).toHaveLength(6);
    expect(by.uninit).toMatchObject({ state: "uninitialized", revisions: [], tooLong: [] });
    expect(by.uninit!.versionNumWidth).toBeUndefined();

    expect(by.locked).toMatchObject({ state: "unreachable", reason: "timed out" });
    expect(by.locked!.durationMs).toBeGreaterThanOrEqual(1400);
    expect(by.nologin).toMatchObject({ state: "unreachable", reason: "authentication failed" });
    expect(by.norole).toMatchObject({ state: "unreachable", reason: "authentication failed" });
    expect(by.noselect).toMatchObject({ state: "unreachable", reason: "permission denied" });
    expect(by.missingdb).toMatchObject({ state: "unreachable", reason: "database does not exist" });
    expect(by.closed).toMatchObject({ state: "unreachable", reason: "connection refused" });
    expect(by.nohost).toMatchObject({ state: "unreachable", reason: "host not found" });
    for (const e of status.environments.filter((x) => x.state === "unreachable")) expect(e.error).toMatch(new RegExp(`^${e.reason}`));

    // Nobody waited on the blocked one: everything else answered well inside its 3 s budget,
    // and the whole read took about the blocked environment's own 1.5 s timeout.
    for (const e of status.environments.filter((x) => x.name !== "locked" && x.name !== "nohost")) expect(e.durationMs, e.name).toBeLessThan(1200);
    expect(elapsed).toBeLessThan(2500);

    // Credentials never appear in what is returned.
    const serialized = JSON.stringify(status);
    expect(serialized).not.toContain(`pw-${suffix}`);
    expect(serialized).not.toContain("hunter2-secret");
  });

  // The contract changed with issue 15 (the overview's poll opened and closed 20 connections every
  // 10 s, a third of its CPU): it used to be "every reading closes its connection". Now a reading
  // given pools (the server's poll) keeps its environment's connection for the next one — idle,
  // outside any transaction, never shared with another environment or another URL — and it is
  // closed after the idle time, when the pools close, or at once when the reading did not end
  // cleanly. A reading without pools (the CLI, one-off reads) still closes its connection.
  it("reads only; without pools the connection is closed, with pools one per environment is kept idle and reused, then closed", async () => {
    const { graph } = readProjectGraph(path.join(project, "alembic.ini"));
    const read = (environments: StatusEnvironmentInput[], pools?: TargetPools) => readProjectStatus({ name: "shop", alembicPath: project, environments }, { graph: { graph, rootDir: project }, pools });
    const sessions = async (db: TestDb) =>
      (
        await admin((c) =>
          c.query<{ pid: number; state: string; xact: boolean }>(`SELECT pid, state, xact_start IS NOT NULL AS xact FROM pg_stat_activity WHERE application_name = 'cairn-status' AND datname = $1 ORDER BY pid`, [db.name]),
        )
      ).rows;
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await ok(), what).toBe(true);
    };

    await read([env("behind", dbs.behind!.url)]);
    expect(await sessions(dbs.behind!)).toEqual([]);

    const pools = new TargetPools({ idleMs: 1000 });
    try {
      // Two environments on the same database never share a connection; an uninitialized one (its
      // SELECT fails) is rolled back and kept too.
      const first = await read([env("behind", dbs.behind!.url), env("twin", dbs.behind!.url), env("uninit", dbs.uninit!.url)], pools);
      expect(first.environments.map((e) => e.state)).toEqual(["behind", "behind", "uninitialized"]);
      const kept = await sessions(dbs.behind!);
      expect(kept).toHaveLength(2);
      for (const k of kept) expect(k).toMatchObject({ state: "idle", xact: false });
      expect(await sessions(dbs.uninit!)).toMatchObject([{ state: "idle", xact: false }]);

      // The next reading reuses them.
      const second = await read([env("behind", dbs.behind!.url), env("twin", dbs.behind!.url), env("uninit", dbs.uninit!.url)], pools);
      expect(second.environments.map((e) => e.state)).toEqual(["behind", "behind", "uninitialized"]);
      expect((await sessions(dbs.behind!)).map((k) => k.pid)).toEqual(kept.map((k) => k.pid));

      // Another URL for the same environment (new credentials in the operator's file) is another connection.
      await read([env("behind", `${dbs.behind!.url}?connect_timeout=7`)], pools);
      expect((await sessions(dbs.behind!)).filter((k) => !kept.some((o) => o.pid === k.pid))).toHaveLength(1);

      // A kept connection the server ended meanwhile: the reading still answers, on a new one.
      await admin((c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cairn-status' AND datname = $1", [dbs.behind!.name]));
      const afterKill = await read([env("behind", dbs.behind!.url)], pools);
      expect(afterKill.environments[0]).toMatchObject({ state: "behind", revisions: ["2b3c4d5e6f02"] });

      // A reading that timed out (the version table locked) does not keep its connection.
      const locked = await read([env("locked", dbs.locked!.url, { timeoutMs: 500 })], pools);
      expect(locked.environments[0]).toMatchObject({ state: "unreachable", reason: "timed out" });
      await until("the timed-out reading's connection closed", async () => (await sessions(dbs.locked!)).length === 0);

      // Idle past the idle time: closed.
      await until("the kept connections closed after the idle time", async () => (await sessions(dbs.behind!)).length === 0 && (await sessions(dbs.uninit!)).length === 0);
      expect(pools.openConnections).toBe(0);

      // And when the pools close.
      await read([env("behind", dbs.behind!.url)], pools);
      expect(await sessions(dbs.behind!)).toHaveLength(1);
    } finally {
      await pools.close();
    }
    await until("closed with the pools", async () => (await sessions(dbs.behind!)).length === 0);

    // Read only: the behind database still holds exactly what Alembic wrote.
    const rows = await admin((c) => c.query("SELECT version_num FROM alembic_version"), dbs.behind!.url);
    expect(rows.rows).toEqual([{ version_num: "2b3c4d5e6f02" }]);
  });

  // The server ending a kept connection (a restart, a DBA's pg_terminate_backend) while Cairn is busy
  // elsewhere: the pool has not yet heard of it and hands the dead connection to the next reading,
  // whose query gets "terminating connection due to administrator command" (57P01) and then the
  // socket's ECONNRESET. The reading must still answer, on a new connection, and the late socket
  // error must not become an uncaught exception (it would take the server down).
  it("a kept connection the server ended while Cairn was busy is replaced, and its late socket error is not uncaught", async () => {
    const { graph } = readProjectGraph(path.join(project, "alembic.ini"));
    const pools = new TargetPools({ idleMs: 5000 });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const read = () => readProjectStatus({ name: "shop", alembicPath: project, environments: [env("behind", dbs.behind!.url)] }, { graph: { graph, rootDir: project }, pools });
      for (let round = 0; round < 3; round++) {
        expect((await read()).environments[0]).toMatchObject({ state: "behind" });
        // Synchronously, so this process's event loop does not see the kept socket close before the next reading starts.
        execFileSync("psql", [PG_ADMIN_URL, "-Atc", `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cairn-status' AND datname = '${dbs.behind!.name}'`]);
        execFileSync("sleep", ["0.2"]);
        expect((await read()).environments[0]).toMatchObject({ state: "behind", revisions: ["2b3c4d5e6f02"] });
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await pools.close();
    }
  });

  it("quotes identifiers instead of pasting them", async () => {
    const { graph } = readProjectGraph(path.join(project, "alembic.ini"));
    const s = await readProjectStatus({ name: "shop", alembicPath: project, environments: [env("evil", dbs.behind!.url, { versionTable: 'alembic_version"; DROP TABLE orders; --' })] }, { graph: { graph, rootDir: project } });
    expect(s.environments[0]!.state).toBe("uninitialized");
    const still = await admin((c) => c.query("SELECT to_regclass('orders') IS NOT NULL AS present"), dbs.behind!.url);
    expect(still.rows[0].present).toBe(true);
  });

  it("a version_table_schema that does not exist reads as no version table, one that does reads its rows and width", async () => {
    const { graph } = readProjectGraph(path.join(project, "alembic.ini"));
    const s = await readProjectStatus(
      { name: "shop", alembicPath: project, environments: [env("noschema", dbs.behind!.url, { versionTableSchema: "no_such_schema" }), env("public", dbs.behind!.url, { versionTableSchema: "public" })] },
      { graph: { graph, rootDir: project } },
    );
    expect(s.environments[0]!).toMatchObject({ state: "uninitialized", revisions: [] });
    expect(s.environments[1]!).toMatchObject({ state: "behind", versionNumWidth: 32 });
    expect(s.environments[1]!.revisions).toHaveLength(1);
  });
});

describe("SQLite files and env: references", () => {
  it("reads relative and absolute sqlite URLs the way SQLAlchemy resolves them, via env: references", async () => {
    alembic(project, ["upgrade", "heads"], { url: "sqlite:///qa.db" }); // relative to the project directory (cwd)
    const abs = path.join(project, "data", "staging.db");
    fs.mkdirSync(path.dirname(abs));
    alembic(project, ["upgrade", "3c4d5e6f7003"], { url: `sqlite:///${abs}` });
    const blank = path.join(project, "blank.db");
    new Database(blank).close();

    const config = parseCairnConfig(
      {
        projects: [
          {
            name: "shop",
            alembic: "./alembic.ini",
            environments: [
              { name: "qa", url: "env:CAIRN_ENV_TEST_QA_URL" },
              { name: "staging", url: "env:CAIRN_ENV_TEST_STAGING_URL" },
              { name: "blank", url: "sqlite:///blank.db" },
              { name: "gone", url: "sqlite:///nope.db" },
              { name: "production", url: "env:CAIRN_ENV_TEST_UNSET_URL" },
            ],
          },
        ],
      },
      path.join(project, "cairn.config.json"),
    );
    const input = configProjectStatusInput(config.projects[0]!, { CAIRN_ENV_TEST_QA_URL: "sqlite:///qa.db", CAIRN_ENV_TEST_STAGING_URL: `sqlite:////${abs.replace(/^\//, "")}` });
    const status = await readProjectStatus(input);
    const by = Object.fromEntries(status.environments.map((e) => [e.name, e]));

    expect(by.qa!.state).toBe("current");
    expect(new Set(by.qa!.revisions)).toEqual(new Set([MAIN_HEAD, LONG_REV]));
    // SQLite stored the 40-character id, but the declared VARCHAR(32) is what other databases enforce.
    expect(by.qa).toMatchObject({ versionNumWidth: 32, tooLong: [LONG_REV] });
    expect(by.staging).toMatchObject({ state: "behind", revisions: ["3c4d5e6f7003"] });
    // Independent branches: Alembic 1.8 orders them by directory listing order, so only the set and
    // each branch's own order are fixed.
    expect(new Set(by.staging!.pending)).toEqual(new Set([MAIN_HEAD, "7f10aa000001", LONG_REV]));
    expect(by.staging!.pending.indexOf("7f10aa000001")).toBeLessThan(by.staging!.pending.indexOf(LONG_REV));
    expect(by.blank).toMatchObject({ state: "uninitialized" });
    expect(by.gone).toMatchObject({ state: "unreachable", reason: "SQLite file missing" });
    expect(fs.existsSync(path.join(project, "nope.db"))).toBe(false); // reading never creates a database
    expect(by.production).toMatchObject({ state: "unreachable", error: "environment variable CAIRN_ENV_TEST_UNSET_URL is not set" });
  });
});
