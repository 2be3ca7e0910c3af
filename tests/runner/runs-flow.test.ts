import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { RevisionNode } from "@/lib/graph/types";
import { requestRun } from "@/lib/runs/request-run";
import { decideRun } from "@/lib/runs/decide-run";
import { executeRun } from "@/lib/runner/execute-run";
import { isAppError, type AppError } from "@/lib/errors";
import type { GateFacts } from "@/lib/gates/types";
import { ALEMBIC, FIXTURE_DIR, createStore, createTarget, seedEnvironment, type Target } from "@/tests/runner/support";
import type { Store } from "@/lib/db/client";

let s: { store: Store; drop(): Promise<void> };
let t: Target;
beforeAll(async () => {
  s = await createStore();
  t = await createTarget("cairn_runner_pw_c");
  // The people these tests act as: a run's requester, approver and rejecter are relations to User.
  for (const id of ["req", "boss", "boss2"]) await s.store.db.user.create({ data: { id, email: `${id}@example.com`, role: id === "boss2" ? "admin" : "release_manager" } });
});
afterAll(async () => {
  await s?.store.close();
  await s?.drop();
  await t?.drop();
});

const actor = (userId: string, role: Actor["role"]): Actor => ({ kind: "user", userId, email: `${userId}@example.com`, name: userId, role });
const node = (revision: string, downRevisions: string[]): RevisionNode => ({
  revision,
  downRevisions,
  dependsOn: [],
  branchLabels: [],
  path: "",
  message: "",
  lines: {},
  children: [],
  dependents: [],
  effectiveBranchLabels: [],
  isHead: false,
  isBase: !downRevisions.length,
  isMergePoint: false,
  isBranchPoint: false,
});

function facts(name: string, inputs: GateFacts["inputs"]): Omit<GateFacts, "requester" | "approver"> {
  return {
    kind: "upgrade",
    environment: { name, protected: true, approvers: [], versionTable: "alembic_version", versionNumWidth: 32 },
    target: "b2",
    path: { direction: "upgrade", steps: ["a1", "b2"], resultHeads: ["b2"] },
    graph: { revisions: new Map([node("a1", []), node("b2", ["a1"])].map((n) => [n.revision, n])), problems: [] },
    previousEnvironment: null,
    signOffs: [{ revisions: ["a1", "b2"] }],
    drift: { findings: 0 },
    migrationSources: {},
    inputs,
  };
}

describe("request → approve → execute", () => {
  it("refuses a request whose gates block, creating nothing", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "production", protected: true });
    const e = await requestRun(s.store.db, {
      actor: actor("req", "release_manager"),
      environment,
      kind: "upgrade",
      target: "b2",
      fromRevisions: [],
      path: ["a1", "b2"],
      sqlPreview: "",
      reviewedFiles: [],
      facts: facts("production", { typedConfirmation: "prod" }),
    }).catch((x) => x);
    expect(isAppError(e) && e.code).toBe("gate-refused");
    expect((e as AppError).userMessage).toBe('Typed confirmation: You typed "prod", which is not the environment\'s name "production". Type "production" exactly (it is case-sensitive).');
    expect(await s.store.db.run.count({ where: { environmentId: environment.id } })).toBe(0);
  });

  it("waits for a second person on a protected environment, refuses self-approval, then runs", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "prod-2", protected: true });
    const f = facts("prod-2", { typedConfirmation: "prod-2" });
    const { run } = await requestRun(s.store.db, { actor: actor("req", "release_manager"), environment, kind: "upgrade", target: "b2", fromRevisions: [], path: ["a1", "b2"], sqlPreview: "-- sql", reviewedFiles: [], facts: f });
    expect(run.status).toBe("awaiting_approval");

    const self = await decideRun(s.store.db, { actor: actor("req", "release_manager"), runId: run.id, decision: "approve", facts: f }).catch((x) => x);
    expect(isAppError(self) && self.code).toBe("gate-refused");
    expect((self as AppError).userMessage).toMatch(/req@example.com requested this run and cannot also approve it/);
    // Not yet approved: the runner refuses it.
    const early = await executeRun({
      db: s.store.db,
      runId: run.id,
      instanceId: "i",
      actor: { email: "x@example.com" },
      alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
      databaseUrl: t.url,
      readRevisions: () => t.readRevisions(),
      expectedHeads: ["b2"],
    }).catch((x) => x);
    expect(isAppError(early) && early.code).toBe("conflict");

    expect((await decideRun(s.store.db, { actor: actor("boss", "release_manager"), runId: run.id, decision: "approve", facts: f })).status).toBe("queued");
    const again = await decideRun(s.store.db, { actor: actor("boss2", "admin"), runId: run.id, decision: "approve", facts: f }).catch((x) => x);
    expect(isAppError(again) && again.code).toBe("conflict");

    const out = await executeRun({
      db: s.store.db,
      runId: run.id,
      instanceId: "i",
      actor: { id: "boss", email: "boss@example.com" },
      alembic: { command: ALEMBIC, cwd: FIXTURE_DIR },
      databaseUrl: t.url,
      readRevisions: () => t.readRevisions(),
      expectedHeads: ["b2"],
    });
    expect(out.status).toBe("succeeded");
    expect(await t.readRevisions()).toEqual(["b2"]);
    const audit = await s.store.db.auditEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["run.request", "run.approve", "run.started", "run.succeeded"]);
    expect(audit[1]?.actor).toBe("boss@example.com");
  });

  it("rejects only with a reason", async () => {
    const { environment } = await seedEnvironment(s.store, { name: "prod-3", protected: true });
    const { run } = await requestRun(s.store.db, {
      actor: actor("req", "release_manager"),
      environment,
      kind: "upgrade",
      target: "b2",
      fromRevisions: [],
      path: ["a1", "b2"],
      sqlPreview: "",
      reviewedFiles: [],
      facts: facts("prod-3", { typedConfirmation: "prod-3" }),
    });
    const e = await decideRun(s.store.db, { actor: actor("boss", "release_manager"), runId: run.id, decision: "reject", reason: " " }).catch((x) => x);
    expect(isAppError(e) && e.code).toBe("validation");
    expect((await decideRun(s.store.db, { actor: actor("boss", "release_manager"), runId: run.id, decision: "reject", reason: "not this week" })).status).toBe("rejected");
    expect(await s.store.db.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "rejected", rejectReason: "not this week", rejectedById: "boss" });
  });
});
