/**
 * Issue 12, "Run integrity": the gates judge the whole graph real Alembic loads, and the SQL preview
 * says when it is partial. Real PostgreSQL targets, real Alembic 1.8, Cairn's own store.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createUser } from "@/lib/auth/create-user";
import type { Store } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { GateResult } from "@/lib/gates/types";
import { runAlembic } from "@/lib/runner/run-alembic";
import { previewSql } from "@/lib/runner/preview-sql";
import { approveRun } from "@/lib/runs/approve-run";
import { planRun, prepareRun } from "@/lib/runs/plan-run";
import { runExecution } from "@/lib/runs/start-run";
import { submitRun } from "@/lib/runs/submit-run";
import { ALEMBIC, FIXTURE_DIR, createStore, createTarget, type Target } from "@/tests/runner/support";
import { seedProject } from "@/tests/runs-api/support";

let s: { store: Store; drop(): Promise<void> };
const targets: Target[] = [];
const dirs: string[] = [];
let requester: Actor;
let approver: Actor;

beforeAll(async () => {
  s = await createStore();
  const [r, a] = await Promise.all([
    createUser(s.store.db, { email: `req-${Date.now()}@example.com`, password: "correct horse battery", role: "release_manager" }),
    createUser(s.store.db, { email: `app-${Date.now()}@example.com`, password: "correct horse battery", role: "release_manager" }),
  ]);
  requester = { kind: "user", userId: r.id, email: r.email, name: "req", role: "release_manager" };
  approver = { kind: "user", userId: a.id, email: a.email, name: "app", role: "release_manager" };
}, 60_000);

afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  for (const t of targets) await t.drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the runner fixture project with extra migration files. */
function projectWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-plan-gates-"));
  dirs.push(dir);
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, "versions", name), text);
  return dir;
}

async function target(role: string): Promise<Target> {
  const t = await createTarget(role);
  targets.push(t);
  return t;
}

const gate = (gates: GateResult[], id: string) => gates.find((g) => g.id === id);

// z9 branches off a1, away from the a1 → b2 path, and names a parent that does not exist (line 9).
const DANGLING = `"""orphan branch

Revision ID: z9
Revises: a1
"""
from alembic import op

revision = "z9"
down_revision = "c3x"
branch_labels = ("orphan",)
depends_on = None


def upgrade():
    op.execute("SELECT 1")


def downgrade():
    pass
`;

describe("the graph gate judges the whole graph Alembic loads", () => {
  it("blocks a run whose path avoids a dangling down_revision, because real Alembic cannot load the project at all", async () => {
    const dir = projectWith({ "z9_orphan_branch.py": DANGLING });
    const t = await target("cairn_plan_gates_a");
    await seedProject(s.store.db, { name: "dangling-elsewhere", dir, envs: [{ name: "qa", url: t.url }] });

    // (1) Real Alembic: upgrading along a1 → b2, which z9 is not on, fails on loading the scripts.
    const real = await runAlembic({ command: ALEMBIC, cwd: dir, args: ["upgrade", "b2"], databaseUrl: t.url });
    expect(real.exitCode).not.toBe(0);
    expect(real.output).toMatch(/KeyError: 'c3x'/);
    expect(await t.readRevisions()).toEqual([]);

    // (2) Cairn's plan for that run: the graph gate blocks, naming the file (relative) and line, and the fix.
    const plan = await planRun(s.store.db, { project: "dangling-elsewhere", environment: "qa", kind: "upgrade", target: "b2", actor: requester });
    expect(plan.path.steps.map((x) => x.revision)).toEqual(["a1", "b2"]);
    const g = gate(plan.gates, "graph-soundness")!;
    expect(g.verdict).toBe("block");
    expect(g.reason).toContain("versions/z9_orphan_branch.py:9");
    expect(g.reason).toMatch(/down_revision 'c3x', which names no revision/);
    expect(g.reason).toMatch(/Point it at an existing revision id\./);
    expect(g.unblock).toMatch(/Fix/);
    expect(JSON.stringify(g)).not.toContain(dir);
    expect(g.details).toMatchObject({ problems: [{ code: "dangling-down-revision", revision: "z9", path: "versions/z9_orphan_branch.py", line: 9 }] });
    expect(plan.canRequest).toBe(false);

    // And the request is refused with the same reason.
    const refused = await submitRun(s.store.db, { project: "dangling-elsewhere", environment: "qa", actor: requester, request: { kind: "upgrade", target: "b2" } }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("gate-refused");
    expect(isAppError(refused) && refused.userMessage).toMatch(/^Migration graph: .*versions\/z9_orphan_branch\.py:9/);
    expect(await s.store.db.run.count()).toBe(0);
  }, 60_000);

  it("blocks on an unparseable migration file anywhere in the versions location", async () => {
    const dir = projectWith({ "y8_broken_syntax.py": 'revision = "y8"\ndown_revision = "a1"\n\ndef upgrade(:\n    pass\n' });
    const t = await target("cairn_plan_gates_b");
    await seedProject(s.store.db, { name: "syntax-elsewhere", dir, envs: [{ name: "qa", url: t.url }] });
    const real = await runAlembic({ command: ALEMBIC, cwd: dir, args: ["upgrade", "b2"], databaseUrl: t.url });
    expect(real.exitCode).not.toBe(0);
    expect(real.output).toMatch(/SyntaxError/);

    const plan = await planRun(s.store.db, { project: "syntax-elsewhere", environment: "qa", kind: "upgrade", target: "b2", actor: requester });
    const g = gate(plan.gates, "graph-soundness")!;
    expect(g.verdict).toBe("block");
    expect(g.reason).toContain("versions/y8_broken_syntax.py:4");
    expect(JSON.stringify(g)).not.toContain(dir);
  }, 60_000);
});

// A data migration: its upgrade() reads rows, which Alembic's offline mode (--sql) cannot do.
const READS_ROWS = `"""backfill order totals in euros

Revision ID: i9
Revises: h8
"""
from alembic import op
import sqlalchemy as sa

revision = "i9"
down_revision = "h8"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("total_eur", sa.Numeric(12, 2)))
    rows = op.get_bind().execute(sa.text("SELECT id, total_cents FROM orders")).fetchall()
    for id_, cents in rows:
        op.execute(sa.text("UPDATE orders SET total_eur = :e WHERE id = :i").bindparams(e=cents / 100, i=id_))


def downgrade():
    op.drop_column("orders", "total_eur")
`;
const AFTER = `"""after the backfill

Revision ID: j10
Revises: i9
"""
from alembic import op
import sqlalchemy as sa

revision = "j10"
down_revision = "i9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("after_backfill", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("after_backfill")
`;

describe("the SQL preview says when it is partial", () => {
  it("shows the SQL up to the migration that reads rows, names it, and lists what was not previewed", async () => {
    const dir = projectWith({ "i9_backfill_totals.py": READS_ROWS, "j10_after_backfill.py": AFTER });
    const t = await target("cairn_plan_gates_c");
    const p = await previewSql({
      command: ALEMBIC,
      cwd: dir,
      databaseUrl: t.url,
      direction: "upgrade",
      current: ["d4"],
      target: "j10",
      steps: [
        { revision: "e5", downRevisions: ["d4"], file: "versions/e5_seed_statuses.py" },
        { revision: "g7", downRevisions: ["c3"], file: "versions/g7_create_reports.py" },
        { revision: "h8", downRevisions: ["e5", "g7"], file: "versions/h8_merge_reports.py" },
        { revision: "i9", downRevisions: ["h8"], file: "versions/i9_backfill_totals.py" },
        { revision: "j10", downRevisions: ["i9"], file: "versions/j10_after_backfill.py" },
      ],
    });
    expect(p.mode).toBe("range");
    // Everything before i9, and what i9 emitted before it failed.
    expect(p.sql).toContain("CREATE TABLE order_statuses");
    expect(p.sql).toContain("CREATE TABLE reports");
    expect(p.sql).toContain("ALTER TABLE orders ADD COLUMN total_eur NUMERIC(12, 2)");
    expect(p.sql).not.toContain("after_backfill");
    expect(p.notPreviewed).toEqual([{ revision: "i9", file: "versions/i9_backfill_totals.py", reason: expect.stringMatching(/offline/) }]);
    expect(p.skipped).toEqual(["j10"]);
    expect(p.sql).toMatch(/-- PREVIEW INCOMPLETE: .*i9 \(versions\/i9_backfill_totals\.py\)/);
    expect(p.sql).toMatch(/j10/);
    // No traceback and no server path in what the browser sees.
    expect(p.sql).not.toContain("Traceback");
    expect(p.sql).not.toContain(dir);
    expect(JSON.stringify(p)).not.toContain(t.password);
    // Offline: nothing ran.
    expect(await t.tables()).toEqual([]);
  }, 60_000);

  it("warns on an unprotected environment; on a protected one it waits for the migration's id, which the approval carries forward", async () => {
    const dir = projectWith({ "i9_backfill_totals.py": READS_ROWS, "j10_after_backfill.py": AFTER });
    const [qa, prod] = await Promise.all([target("cairn_plan_gates_d"), target("cairn_plan_gates_e")]);
    const { project } = await seedProject(s.store.db, { name: "reads-rows", dir, envs: [{ name: "qa", url: qa.url }] });
    // A protected environment first in its own project: no promotion order to satisfy.
    const prodProject = await seedProject(s.store.db, { name: "reads-rows-prod", dir, envs: [{ name: "production", url: prod.url, protected: true }] });

    const qaPlan = await planRun(s.store.db, { project: "reads-rows", environment: "qa", kind: "upgrade", target: "j10", actor: requester });
    const qaGate = gate(qaPlan.gates, "preview-complete")!;
    expect(qaGate.verdict).toBe("warn");
    expect(qaGate.reason).toMatch(/i9 \(versions\/i9_backfill_totals\.py\) cannot be rendered offline/);
    expect(qaGate.reason).toMatch(/j10/);
    expect(qaPlan.sqlPreview).toContain("CREATE TABLE customers");
    expect(qaPlan.canRequest).toBe(true);
    expect(project.id).toBeTruthy();

    await s.store.db.signOff.create({
      data: { projectId: prodProject.project.id, environmentId: prodProject.envs[0]!.id, toRevision: "j10", revisions: ["a1", "b2", "c3", "d4", "e5", "g7", "h8", "i9", "j10"], userId: requester.userId },
    });
    const input = { project: "reads-rows-prod", environment: "production", kind: "upgrade" as const, target: "j10", actor: requester };
    const waiting = await planRun(s.store.db, { ...input, inputs: { typedConfirmation: "production" } });
    expect(gate(waiting.gates, "preview-complete")).toMatchObject({ verdict: "needs-input", unblock: expect.stringMatching(/Type i9/), details: { required: ["i9"] } });
    expect(waiting.canRequest).toBe(false);
    const wrong = await planRun(s.store.db, { ...input, inputs: { typedConfirmation: "production", previewAcknowledgement: ["j10"] } });
    expect(gate(wrong.gates, "preview-complete")?.verdict).toBe("needs-input");

    const refused = await submitRun(s.store.db, { project: "reads-rows-prod", environment: "production", actor: requester, request: { kind: "upgrade", target: "j10", typedConfirmation: "production" } }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.userMessage).toMatch(/^SQL preview: /m);

    const submitted = await submitRun(s.store.db, {
      project: "reads-rows-prod",
      environment: "production",
      actor: requester,
      request: { kind: "upgrade", target: "j10", typedConfirmation: "production", previewAcknowledgement: ["i9"] },
    });
    expect(submitted.status).toBe("awaiting_approval");
    expect(gate(submitted.gates, "preview-complete")).toMatchObject({ verdict: "warn", details: { acknowledged: ["i9"] } });

    // The approver re-plans with the requester's acknowledgement, as with a destructive-downgrade confirmation.
    const approved = await approveRun(s.store.db, { runId: submitted.runId, actor: approver });
    expect(approved.status).toBe("queued");
    expect(gate(approved.gates, "preview-complete")?.verdict).toBe("warn");
    const outcome = await runExecution(submitted.runId);
    expect(outcome?.status).toBe("succeeded");
    expect(await prod.readRevisions()).toEqual(["j10"]);
    expect(await prod.tables()).toContain("after_backfill");
  }, 120_000);

  it("keeps a preview that renders completely to one Alembic call with no notice", async () => {
    const dir = projectWith({});
    const t = await target("cairn_plan_gates_f");
    await seedProject(s.store.db, { name: "renders-fully", dir, envs: [{ name: "qa", url: t.url }] });
    const plan = await prepareRun(s.store.db, { project: "renders-fully", environment: "qa", kind: "upgrade", target: "e5", actor: requester });
    expect(gate(plan.plan.gates, "preview-complete")).toMatchObject({ verdict: "pass" });
    expect(plan.plan.sqlPreview).not.toMatch(/PREVIEW INCOMPLETE/);
    expect(plan.plan.sqlPreview.match(/^-- alembic upgrade/gm)).toHaveLength(1);
  }, 60_000);
});
