/**
 * An admin's acknowledgement of a lint finding, through the real routes, on a real PostgreSQL target
 * with real Alembic: it unblocks a protected upgrade for the migration file's current bytes only,
 * only an admin signed in as a person may give or revoke it, and both are audited.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ackRoute from "@/app/api/projects/[project]/lint/acknowledgements/route";
import * as ackIdRoute from "@/app/api/projects/[project]/lint/acknowledgements/[id]/route";
import type { Actor } from "@/lib/auth/actor";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { LintFinding } from "@/lib/lint/types";
import { runAlembic } from "@/lib/runner/run-alembic";
import { planRun } from "@/lib/runs/plan-run";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { ALEMBIC, FIXTURE_DIR, createTarget, type Target } from "@/tests/runner/support";
import { seedProject } from "@/tests/runs-api/support";

const P = "lint-ack";
const DROPS_TOTAL = `"""drop order totals

Revision ID: i9
Revises: e5
"""
from alembic import op

revision = "i9"
down_revision = "e5"


def upgrade():
    op.drop_column("orders", "total_cents")


def downgrade():
    raise NotImplementedError()
`;

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
let t: Target;
let dir: string;
let file: string;
let admin: Awaited<ReturnType<typeof signedIn>>;
let manager: Awaited<ReturnType<typeof signedIn>>;
let managerActor: Actor;
let adminToken: string;

beforeAll(async () => {
  app = await useAppStore("cairn_lint_ack");
  db = app.db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-lint-ack-"));
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  file = path.join(dir, "versions", "i9_drop_totals.py");
  fs.writeFileSync(file, DROPS_TOTAL);
  t = await createTarget("cairn_lint_ack");
  expect((await runAlembic({ command: ALEMBIC, cwd: dir, args: ["upgrade", "e5"], databaseUrl: t.url })).exitCode).toBe(0);
  await seedProject(db, { name: P, dir, envs: [{ name: "production", url: t.url, protected: true }] });
  [admin, manager] = await Promise.all([signedIn(db, "admin"), signedIn(db, "release_manager")]);
  managerActor = { kind: "user", userId: manager.id, email: manager.email, name: "rm", role: "release_manager" };
  const adminActor: Actor = { kind: "user", userId: admin.id, email: admin.email, name: "admin", role: "admin" };
  adminToken = (await createApiToken(db, adminActor, { name: "ci", scopes: ["status:read", "runs:request", "runs:approve", "signoffs:write"] })).token;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const lintGate = async () => {
  const plan = await planRun(db, { project: P, environment: "production", kind: "upgrade", target: "i9", actor: managerActor });
  return plan.gates.find((g) => g.id === "lint")!;
};
/** The drop's finding as the plan shows it: its file's sha256 is what an acknowledgement names. */
const dropFinding = async () => ((await lintGate()).details as { findings: LintFinding[] }).findings.find((f) => f.rule === "drop-column")!;
const acknowledge = (auth: { cookie?: string; token?: string }, b: unknown) => ackRoute.POST(request("POST", `/api/projects/${P}/lint/acknowledgements`, { ...auth, body: b }), ctx({ project: P }));
const revoke = (auth: { cookie?: string; token?: string }, id: string) => ackIdRoute.DELETE(request("DELETE", `/api/projects/${P}/lint/acknowledgements/${id}`, auth), ctx({ project: P, id }));
const REASON = "totals moved to invoices in h2; nothing reads this column";

describe("an admin's acknowledgement of a lint finding", () => {
  let id: string;

  it("the drop blocks production until an admin acknowledges it; a release manager or an admin's token is refused", async () => {
    expect((await lintGate()).verdict).toBe("block");
    const { fileSha256 } = await dropFinding();
    expect(fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await acknowledge({ cookie: manager.cookie }, { revision: "i9", rule: "drop-column", reason: REASON, fileSha256 })).status).toBe(403);
    const byToken = await acknowledge({ token: adminToken }, { revision: "i9", rule: "drop-column", reason: REASON, fileSha256 });
    expect(byToken.status).toBe(403);
    expect((await body(byToken)).error.message).toMatch(/token/i);
    const short = await acknowledge({ cookie: admin.cookie }, { revision: "i9", rule: "drop-column", reason: "fine", fileSha256 });
    expect(short.status).toBe(422);
    expect(await db.lintAcknowledgement.count()).toBe(0);
    expect((await lintGate()).verdict).toBe("block");
  }, 120_000);

  it("is refused (409) when the file changed since the finding was shown: it holds for the bytes the admin read", async () => {
    const shown = await dropFinding();
    fs.writeFileSync(file, DROPS_TOTAL.replace('op.drop_column("orders", "total_cents")', 'op.drop_column("orders", "total_cents")\n    op.drop_column("orders", "status")'));
    try {
      const res = await acknowledge({ cookie: admin.cookie }, { revision: "i9", rule: "drop-column", reason: REASON, fileSha256: shown.fileSha256 });
      expect(res.status).toBe(409);
      expect((await body(res)).error.message).toBe("versions/i9_drop_totals.py changed since this finding was shown, so it is not the file you read. Plan the run again and acknowledge the finding it shows now.");
      expect(await db.lintAcknowledgement.count()).toBe(0);
      const missing = await acknowledge({ cookie: admin.cookie }, { revision: "i9", rule: "drop-column", reason: REASON });
      expect(missing.status).toBe(422);
    } finally {
      fs.writeFileSync(file, DROPS_TOTAL);
    }
  }, 120_000);

  it("passes once an admin acknowledges it with a reason, says who and why, and audits it", async () => {
    const res = await acknowledge({ cookie: admin.cookie }, { revision: "i9", rule: "drop-column", reason: REASON, fileSha256: (await dropFinding()).fileSha256 });
    expect(res.status).toBe(201);
    id = (await body(res)).acknowledgement.id;
    const g = await lintGate();
    expect(g.verdict).toBe("warn"); // the irreversible downgrade stays a warning
    expect(g.reason).toContain(`1 acknowledged by an admin: i9 drop-column (“${REASON}” — ${admin.email})`);
    const finding = (g.details as { findings: LintFinding[] }).findings.find((f) => f.rule === "drop-column")!;
    expect(finding).toMatchObject({ acknowledged: REASON, acknowledgedBy: { id, email: admin.email } });
    const audit = await db.auditEvent.findMany({ where: { action: "lint.acknowledge" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, toRevision: "i9", details: { revision: "i9", rule: "drop-column", file: "versions/i9_drop_totals.py", reason: REASON } });
  }, 120_000);

  it("holds for the file's bytes only: editing the migration brings the block back, restoring it lifts it again", async () => {
    fs.writeFileSync(file, DROPS_TOTAL.replace('op.drop_column("orders", "total_cents")', 'op.drop_column("orders", "total_cents")  # dropped for good'));
    expect((await lintGate()).verdict).toBe("block");
    fs.writeFileSync(file, DROPS_TOTAL);
    expect((await lintGate()).verdict).toBe("warn");
  }, 120_000);

  it("an admin may revoke it (audited), a release manager may not; revoked, the finding blocks again", async () => {
    expect((await revoke({ cookie: manager.cookie }, id)).status).toBe(403);
    expect((await revoke({ token: adminToken }, id)).status).toBe(403);
    expect((await lintGate()).verdict).toBe("warn");
    expect((await revoke({ cookie: admin.cookie }, id)).status).toBe(200);
    expect((await lintGate()).verdict).toBe("block");
    expect((await revoke({ cookie: admin.cookie }, id)).status).toBe(409);
    const audit = await db.auditEvent.findMany({ where: { action: "lint.acknowledge.revoke" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, details: { acknowledgementId: id, rule: "drop-column", reason: REASON, acknowledgedBy: admin.email } });
  }, 120_000);
});
