import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAlembic } from "@/lib/runner/run-alembic";
import { createTarget, type Target } from "@/tests/runner/support";
import { PG_ADMIN_URL, withClient } from "@/tests/support/databases";
import { ALEMBIC, C3, makeProject } from "@/tests/rehearsal/support";
import { runCairn } from "@/tests/cli/run-cairn";

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

/** A project whose c3 is `c3`, a PostgreSQL target at b2, and a cairn.config.json naming it through env:. */
async function setup(c3: string): Promise<{ dir: string; config: string; t: Target; env: Record<string, string> }> {
  const p = makeProject({ "c3_next.py": c3 });
  cleanup.push(p.remove);
  const t = await createTarget("cairn_rehearsal_cli");
  cleanup.push(t.drop);
  await withClient(PG_ADMIN_URL, (c) => c.query("ALTER ROLE cairn_rehearsal_cli CREATEDB"));
  const up = await runAlembic({ command: ALEMBIC, cwd: p.dir, databaseUrl: t.url, args: ["upgrade", "b2"] });
  expect(up.exitCode).toBe(0);
  const config = path.join(p.dir, "cairn.config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      projects: [
        {
          name: "notes",
          alembic: "./alembic.ini",
          command: ALEMBIC,
          environments: [
            { name: "qa", url: "env:CAIRN_ENV_REHEARSE_QA" },
            { name: "legacy", url: "mysql+pymysql://root@127.0.0.1:3306/nothing" },
          ],
        },
      ],
    }),
  );
  return { dir: p.dir, config, t, env: { CAIRN_ENV_REHEARSE_QA: t.url } };
}

describe("cairn rehearse", () => {
  it("prints the issue's JSON and exits 1 when a migration fails on the copy", async () => {
    const s = await setup(C3.jsonbOnJson);
    const r = await runCairn(["rehearse", "--config", s.config, "--project", "notes", "--env", "qa", "--json"], s.env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toEqual({
      ok: false,
      from: ["b2"],
      to: ["c3"],
      steps: [{ revision: "c3", direction: "upgrade", ok: false, ms: expect.any(Number), error: "operator does not exist: json ? unknown" }],
      roundTrip: { checked: false, reversible: false, differences: [] },
    });
    expect(r.stdout + r.stderr).not.toContain(s.t.password);
    expect(await s.t.readRevisions()).toEqual(["b2"]);
  });

  it("exits 1 with the difference when the round trip is not reversible, 0 when it is", async () => {
    const bad = await setup(C3.forgetsIndex);
    const r = await runCairn(["rehearse", "--config", bad.config, "--env", "qa", "--json", "--to", "c3"], bad.env);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { roundTrip: unknown }).roundTrip).toEqual({
      checked: true,
      reversible: false,
      differences: ["index ix_notifications_user_id on notifications is missing after downgrade"],
    });

    const good = await setup(C3.good);
    const ok = await runCairn(["rehearse", "--config", good.config, "--env", "qa"], good.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("notes/qa: All 1 migration passed on the copy, and the round trip restored the schema exactly.");
  }, 60_000);

  it("exits 2 for usage and configuration errors; a MySQL environment is rehearsed, not refused", async () => {
    const s = await setup(C3.good);
    const noEnv = await runCairn(["rehearse", "--config", s.config], s.env);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain("--env is required");
    const unknown = await runCairn(["rehearse", "--config", s.config, "--env", "prod"], s.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Project "notes" has no environment "prod" (environments: qa, legacy).');
    const unset = await runCairn(["rehearse", "--config", s.config, "--env", "qa"], {});
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("CAIRN_ENV_REHEARSE_QA");
    // MySQL/MariaDB is rehearsed too now (issue 16): legacy's database does not exist, and that is what it says.
    const mysql = await runCairn(["rehearse", "--config", s.config, "--env", "legacy"], s.env);
    expect(mysql.code).not.toBe(0);
    expect(mysql.stderr).not.toContain("not yet available");
    expect(mysql.stderr).toContain("legacy");
  });
});
