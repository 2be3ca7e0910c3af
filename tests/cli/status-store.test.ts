/**
 * `cairn status --store`: the real launcher, a real store on PostgreSQL and a SQLite environment moved by real
 * Alembic outside Cairn. The first call records the applied files' hashes; after a file is edited the next one
 * names it, in JSON and in the table.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alembic } from "@/tests/environments/support";
import { createStore } from "@/tests/runner/support";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { runCairn } from "@/tests/cli/run-cairn";

let s: Awaited<ReturnType<typeof createStore>>;
let fixture: ReturnType<typeof copyFixtureProject>;
let configFile: string;
const P = "status-store";

beforeAll(async () => {
  s = await createStore();
  fixture = copyFixtureProject(["qa"]);
  alembic(fixture.dir, ["upgrade", "c3"], { url: fixture.urls.qa! });
  await seedProject(s.store.db, { name: P, dir: fixture.dir, envs: [{ name: "qa", url: fixture.urls.qa! }] });
  configFile = path.join(fixture.dir, "cairn.config.json");
  fs.writeFileSync(configFile, JSON.stringify({ projects: [{ name: P, alembic: path.join(fixture.dir, "alembic.ini"), command: ["/usr/bin/python3", "-m", "alembic"], environments: [{ name: "qa", url: fixture.urls.qa! }] }] }));
}, 60_000);

afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  fixture?.remove();
});

describe("cairn status --store", () => {
  it("needs DATABASE_URL", async () => {
    const r = await runCairn(["status", "--config", configFile, "--store"], { DATABASE_URL: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cairn status: --store reads Cairn's store: set DATABASE_URL to it, as for the server/);
  });

  it("records what it first sees applied, then reports a file edited since", async () => {
    const first = await runCairn(["status", "--config", configFile, "--store", "--json"], { DATABASE_URL: s.url });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).projects[0].editedAfterApplied).toEqual([]);
    expect((await s.store.db.appliedFile.findMany({ orderBy: { revision: "asc" } })).map((r) => [r.revision, r.source])).toEqual([
      ["a1", "observed"],
      ["b2", "observed"],
      ["c3", "observed"],
    ]);

    fs.appendFileSync(path.join(fixture.dir, "versions", "b2_add_customer_name.py"), "\n# edited after it ran\n");
    const day = new Date().toISOString().slice(0, 10);
    const json = await runCairn(["status", "--config", configFile, "--store", "--json"], { DATABASE_URL: s.url });
    expect(JSON.parse(json.stdout).projects[0].editedAfterApplied).toMatchObject([
      { revision: "b2", environment: "qa", source: "observed", message: `b2 (versions/b2_add_customer_name.py) was edited after Cairn first saw it applied to qa on ${day} — the database did not get this change.` },
    ]);
    const table = await runCairn(["status", "--config", configFile, "--store"], { DATABASE_URL: s.url });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`  edited after applied: b2 (versions/b2_add_customer_name.py) was edited after Cairn first saw it applied to qa on ${day}`);
  }, 60_000);
});
