/**
 * Lint in a run's plan: real PostgreSQL target, real Alembic preview, Cairn's own store. The lint
 * gate reads the SQL the preview rendered and the target's live schema; an error-level finding
 * blocks a protected environment until the migration acknowledges it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createUser } from "@/lib/auth/create-user";
import type { Store } from "@/lib/db/client";
import type { LintFinding } from "@/lib/lint/types";
import { lintPlannedPath } from "@/lib/lint-service/lint-planned-path";
import { readProjectGraph } from "@/lib/project-graph/read-project-graph";
import { previewSql } from "@/lib/runner/preview-sql";
import { runAlembic } from "@/lib/runner/run-alembic";
import { planRun } from "@/lib/runs/plan-run";
import { ALEMBIC, FIXTURE_DIR, createStore, createTarget, type Target } from "@/tests/runner/support";
import { seedProject } from "@/tests/runs-api/support";

let s: { store: Store; drop(): Promise<void> };
let t: Target;
let dir: string;
let requester: Actor;

const migration = (extra: { drop?: string; json?: string }) => `"""tidy customers

Revision ID: i9
Revises: e5
"""
from alembic import op

revision = "i9"
down_revision = "e5"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE customers SET name = upper(name) WHERE prefs ? 'vip'")${extra.json ?? ""}
    op.drop_column("orders", "total_cents")${extra.drop ?? ""}


def downgrade():
    raise NotImplementedError()
`;

// j10 reads rows, which Alembic's offline mode cannot do: the preview stops there.
const READS_ROWS = `"""count customers

Revision ID: j10
Revises: i9
"""
from alembic import op
import sqlalchemy as sa

revision = "j10"
down_revision = "i9"


def upgrade():
    n = op.get_bind().execute(sa.text("SELECT count(*) FROM customers")).scalar()
    op.execute(f"COMMENT ON TABLE customers IS '{n} customers'")


def downgrade():
    op.execute("COMMENT ON TABLE customers IS NULL")
`;

const DROPS_NAME = `"""drop customer name

Revision ID: k11
Revises: j10
"""
from alembic import op

revision = "k11"
down_revision = "j10"


def upgrade():
    op.drop_column("customers", "name")


def downgrade():
    raise NotImplementedError()
`;

beforeAll(async () => {
  s = await createStore();
  const r = await createUser(s.store.db, { email: `lint-${Date.now()}@example.com`, name: "Lint", password: "correct horse battery", role: "release_manager" });
  requester = { kind: "user", userId: r.id, email: r.email, name: "req", role: "release_manager" };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-plan-lint-"));
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  fs.writeFileSync(path.join(dir, "versions", "i9_tidy_customers.py"), migration({}));
  fs.writeFileSync(path.join(dir, "versions", "j10_read_rows.py"), READS_ROWS);
  fs.writeFileSync(path.join(dir, "versions", "k11_drop_name.py"), DROPS_NAME);
  t = await createTarget("cairn_plan_lint");
  const up = await runAlembic({ command: ALEMBIC, cwd: dir, args: ["upgrade", "e5"], databaseUrl: t.url });
  expect(up.exitCode).toBe(0);
  // Added outside the migrations: only the live schema says prefs is json.
  await t.query("ALTER TABLE customers ADD COLUMN prefs json");
  await seedProject(s.store.db, { name: "lint-plan", dir, envs: [{ name: "production", url: t.url, protected: true }] });
}, 120_000);

afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const lintGate = async (target = "i9") => {
  const plan = await planRun(s.store.db, { project: "lint-plan", environment: "production", kind: "upgrade", target, actor: requester });
  return plan.gates.find((g) => g.id === "lint")!;
};

describe("the lint gate in a plan", () => {
  it("blocks a protected environment on the path's error-level findings, typed from the live schema", async () => {
    const g = await lintGate();
    expect(g.verdict).toBe("block");
    expect(g.reason).toContain("i9 (versions/i9_tidy_customers.py:15) jsonb-operator-on-json: Applies ? to customers.prefs, which is json, not jsonb");
    expect(g.reason).toContain("i9 (versions/i9_tidy_customers.py:16) drop-column: Drops column orders.total_cents");
    const findings = (g.details as { findings: LintFinding[] }).findings;
    expect(findings.map((f) => f.rule).sort()).toEqual(["drop-column", "irreversible-downgrade", "jsonb-operator-on-json"]);
    expect(findings.find((f) => f.rule === "drop-column")!.statement).toBe("ALTER TABLE orders DROP COLUMN total_cents");
  }, 60_000);

  it("passes once the migration acknowledges them, and says so", async () => {
    fs.writeFileSync(
      path.join(dir, "versions", "i9_tidy_customers.py"),
      migration({ json: "  # cairn: allow jsonb-operator-on-json — prefs becomes jsonb in j10", drop: "  # cairn: allow drop-column — totals moved to invoices in h2" }),
    );
    const g = await lintGate();
    expect(g.verdict).toBe("warn"); // the irreversible downgrade is a warning
    expect(g.reason).toMatch(/2 acknowledged in the migrations: i9 jsonb-operator-on-json \(“prefs becomes jsonb in j10”\); i9 drop-column \(“totals moved to invoices in h2”\)/);
  }, 60_000);

  it("lints what follows a migration that stops the preview: it renders the rest from there", async () => {
    const g = await lintGate("k11");
    const findings = (g.details as { findings: LintFinding[] }).findings.filter((f) => !f.acknowledged);
    expect(findings.map((f) => `${f.revision}:${f.rule}`)).toEqual(["i9:irreversible-downgrade", "j10:preview-unavailable", "k11:drop-column", "k11:irreversible-downgrade"]);
    expect(g.verdict).toBe("block");
    expect(g.reason).toContain("k11 (versions/k11_drop_name.py:13) drop-column: Drops column customers.name");
  }, 60_000);
});

describe("lint that cannot run, and who it ran Alembic for", () => {
  // The path e5 → k11: the preview stops in j10 (it reads rows), so lint renders k11 from j10 itself.
  const pathInput = async (command: string[]) => {
    const { graph } = readProjectGraph(dir);
    const steps = ["i9", "j10", "k11"].map((revision) => ({ revision, downRevisions: graph.revisions.get(revision)!.downRevisions }));
    const alembic = { command: ALEMBIC, cwd: dir, databaseUrl: t.url, timeoutMs: 60_000 };
    const preview = previewSql({ ...alembic, direction: "upgrade", current: ["e5"], target: "k11", steps });
    return {
      preview,
      steps: steps.map((x) => x.revision),
      graph,
      rootDir: dir,
      url: t.url,
      versionTable: "alembic_version",
      schema: Promise.resolve(null),
      versionNumWidth: 32,
      alembic: { ...alembic, command },
      target: "k11",
    };
  };

  it("says lint failed — what failed, in plain words — when Alembic cannot be started for the migrations after one that stopped the preview", async () => {
    const r = await lintPlannedPath(await pathInput([path.join(dir, "no-such-alembic")]));
    expect(r).not.toHaveProperty("lint");
    expect(r).toMatchObject({ lintUnavailable: { kind: "failed" } });
    const what = (r as { lintUnavailable: { what: string } }).lintUnavailable.what;
    expect(what).toMatch(/^Alembic could not be run to render the migrations after j10 \(k11\): Cairn could not start .*no-such-alembic.* \(not found\)/);
    expect(what).not.toMatch(/Traceback|at .*\.ts:\d+/);
  }, 60_000);

  it("says lint does not apply, not that it failed, to a path without migrations", async () => {
    const r = await lintPlannedPath({ ...(await pathInput(ALEMBIC)), steps: [] });
    expect(r).toEqual({ lintUnavailable: { kind: "not-applicable", reason: "No migration on this path." } });
  }, 60_000);

  it("audits the renders lint makes beyond the preview under the person who planned the run", async () => {
    const since = new Date();
    await lintGate("k11");
    const rows = await s.store.db.auditEvent.findMany({ where: { action: "command.run", at: { gte: since } }, orderBy: { id: "asc" } });
    const purposes = rows.map((r) => `${(r.details as { purpose: string }).purpose}:${r.actorId}:${r.environment}`);
    expect(purposes).toEqual([`preview:${requester.userId}:production`, `lint:${requester.userId}:production`]);
    const argv = (rows[1]!.details as { argv: string[] }).argv;
    expect(argv.slice(-3)).toEqual(["upgrade", "j10:k11", "--sql"]);
  }, 60_000);
});
