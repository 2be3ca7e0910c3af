import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import type { Problem, RevisionNode } from "@/lib/graph/types";
import { canProceed, canRequest, describeRefusal, evaluateGates, GATES } from "@/lib/gates/evaluate-gates";
import { checkBackup } from "@/lib/gates/check-backup";
import { checkDowngradeSafety } from "@/lib/gates/check-downgrade-safety";
import { checkGraphSoundness } from "@/lib/gates/check-graph-soundness";
import { checkPreviewComplete } from "@/lib/gates/check-preview-complete";
import { checkPromotionOrder } from "@/lib/gates/check-promotion-order";
import { checkSchemaDrift } from "@/lib/gates/check-schema-drift";
import { checkSignOff } from "@/lib/gates/check-sign-off";
import { checkTwoPerson } from "@/lib/gates/check-two-person";
import { checkTypedConfirmation } from "@/lib/gates/check-typed-confirmation";
import { checkVersionWidth } from "@/lib/gates/check-version-width";
import type { GateFacts } from "@/lib/gates/types";

function node(revision: string, downRevisions: string[], dependsOn: string[] = []): RevisionNode {
  return {
    revision,
    downRevisions,
    dependsOn,
    branchLabels: [],
    path: `/p/${revision}.py`,
    message: "",
    lines: {},
    children: [],
    dependents: [],
    effectiveBranchLabels: [],
    isHead: false,
    isBase: downRevisions.length === 0,
    isMergePoint: downRevisions.length > 1,
    isBranchPoint: false,
  };
}
// a1 -> b2 -> c3 -> d4 ; x9 depends_on b2 ; z1 unrelated base
const revisions = new Map([node("a1", []), node("b2", ["a1"]), node("c3", ["b2"]), node("d4", ["c3"]), node("x9", ["a1"], ["b2"]), node("z1", [])].map((n) => [n.revision, n]));

const FIXTURE_VERSIONS = path.resolve(import.meta.dirname, "../../tests/fixtures/runner-project/versions");
const src = (file: string) => fs.readFileSync(path.join(FIXTURE_VERSIONS, file), "utf8");

function facts(over: Partial<GateFacts> = {}, inputs: GateFacts["inputs"] = {}): GateFacts {
  return {
    kind: "upgrade",
    environment: { name: "production", protected: true, approvers: [], versionTable: "alembic_version", versionNumWidth: 32 },
    target: "d4",
    path: { direction: "upgrade", steps: ["c3", "d4"], resultHeads: ["d4"] },
    graph: { revisions, problems: [] },
    previousEnvironment: { name: "staging", currentRevisions: ["d4"], succeededRuns: [{ target: "d4", path: ["c3", "d4"], resultRevisions: ["d4"] }] },
    signOffs: [{ revisions: ["c3", "d4"], revokedAt: null, by: "qa@example.com" }],
    requester: { userId: "u-req", email: "req@example.com" },
    approver: { userId: "u-app", email: "app@example.com", role: "release_manager" },
    drift: { findings: 0 },
    migrationSources: {},
    inputs: { typedConfirmation: "production", ...inputs },
    ...over,
  };
}

describe("evaluateGates", () => {
  it("lists every gate and lets a fully satisfied run proceed", () => {
    const r = evaluateGates(facts());
    expect(r.map((g) => g.id)).toEqual([
      "graph-soundness",
      "version-width",
      "promotion-order",
      "sign-off",
      "schema-drift",
      "downgrade-safety",
      "lint",
      "preview-complete",
      "rehearsal",
      "applied-files",
      "backup",
      "typed-confirmation",
      "two-person",
    ]);
    expect(r).toHaveLength(GATES.length);
    expect(r.every((g) => g.verdict === "pass")).toBe(true);
    expect(canProceed(r)).toBe(true);
    expect(describeRefusal(r)).toBe("");
  });

  it("does not proceed while an input is missing, but may be requested while only approval is pending", () => {
    const waiting = evaluateGates(facts({ approver: null }));
    expect(canProceed(waiting)).toBe(false);
    expect(canRequest(waiting)).toBe(true);
    const untyped = evaluateGates(facts({}, { typedConfirmation: undefined }));
    expect(canProceed(untyped)).toBe(false);
    expect(canRequest(untyped)).toBe(false);
  });

  it("reports every refusal at once, with what would unblock it", () => {
    const r = evaluateGates(facts({ signOffs: [], drift: { findings: 2 }, approver: { userId: "u-req", email: "req@example.com", role: "release_manager" } }, { typedConfirmation: "prod" }));
    expect(canProceed(r)).toBe(false);
    const msg = describeRefusal(r);
    expect(msg.split("\n")).toHaveLength(4);
    expect(msg).toMatch(/^QA sign-off: .*Ask QA to sign off/m);
    expect(msg).toMatch(/^Schema drift: .*have an admin override/m);
    expect(msg).toMatch(/^Typed confirmation: You typed "prod".*Type "production" exactly/m);
    expect(msg).toMatch(/^Second-person approval: req@example.com requested this run and cannot also approve it/m);
  });

  it("warnings never block", () => {
    const r = evaluateGates(facts({ drift: null }));
    expect(r.find((g) => g.id === "schema-drift")?.verdict).toBe("warn");
    expect(canProceed(r)).toBe(true);
  });
});

describe("typed confirmation", () => {
  it("passes unprotected environments without typing", () => {
    const r = checkTypedConfirmation(facts({ environment: { ...facts().environment, protected: false, name: "qa" } }, { typedConfirmation: undefined }));
    expect(r).toMatchObject({ verdict: "pass", reason: "qa is not protected; no typed confirmation is needed." });
  });
  it("asks for the name on a protected environment", () => {
    expect(checkTypedConfirmation(facts({}, { typedConfirmation: "  " }))).toMatchObject({
      verdict: "needs-input",
      reason: "production is protected: confirm by typing its name.",
      unblock: 'Type "production" in the confirmation box.',
    });
  });
  it("refuses a wrong name, case included", () => {
    expect(checkTypedConfirmation(facts({}, { typedConfirmation: "Production" }))).toMatchObject({
      verdict: "block",
      reason: 'You typed "Production", which is not the environment\'s name "production".',
      unblock: 'Type "production" exactly (it is case-sensitive).',
    });
  });
  it("accepts the exact name (surrounding spaces ignored)", () => {
    expect(checkTypedConfirmation(facts({}, { typedConfirmation: " production " }))).toMatchObject({ verdict: "pass", reason: 'Confirmed by typing "production".' });
  });
});

describe("graph soundness", () => {
  const problem = (p: Partial<Problem>): Problem => ({ code: "dangling-down-revision", severity: "error", message: "c3 names missing parent q7. Fix its down_revision.", ...p });
  const root = "/srv/projects/shop";
  it("blocks every run on a problem that stops Alembic loading the project, even off the path, with file:line relative to the project", () => {
    const p = problem({
      revision: "z1",
      path: `${root}/versions/z1_orphan.py`,
      line: 9,
      message: `Revision z1 (${root}/versions/z1_orphan.py) has down_revision 'q7', which names no revision; Alembic fails on every command. Point it at an existing revision id.`,
    });
    const r = checkGraphSoundness(facts({ projectRoot: root, graph: { revisions, problems: [p] } }));
    expect(r.verdict).toBe("block");
    expect(r.reason).toBe(
      "Alembic cannot load this project's migrations as they are, so every run fails before migrating anything — this one too, whatever its path. 1 problem: versions/z1_orphan.py:9 — Revision z1 (versions/z1_orphan.py) has down_revision 'q7', which names no revision; Alembic fails on every command. Point it at an existing revision id.",
    );
    expect(r.unblock).toMatch(/^Fix these migration files/);
    expect(r.details).toMatchObject({ scope: "project", problems: [{ code: "dangling-down-revision", revision: "z1", path: "versions/z1_orphan.py", line: 9 }] });
    expect(JSON.stringify(r)).not.toContain(root);
  });
  it("says where once when the reader's message already starts with file:line", () => {
    const p = problem({
      code: "syntax-error",
      revision: undefined,
      path: `${root}/versions/y8.py`,
      line: 4,
      message: `${root}/versions/y8.py:4: Python syntax error: invalid syntax. Alembic cannot import this file either; fix the syntax. Cairn skipped the file.`,
    });
    const r = checkGraphSoundness(facts({ projectRoot: root, graph: { revisions, problems: [p] } }));
    expect(r.verdict).toBe("block");
    expect(r.reason).toMatch(/1 problem: versions\/y8\.py:4 — Python syntax error: invalid syntax\. Alembic cannot import/);
  });
  it("shows files outside the project root relative to it, and only the file name when the root is unknown", () => {
    const p = problem({ revision: "z1", path: "/srv/shared/versions/z1.py", line: 2, message: "z1 dangles." });
    expect(checkGraphSoundness(facts({ projectRoot: root, graph: { revisions, problems: [p] } })).reason).toContain("../../shared/versions/z1.py:2 — z1 dangles.");
    const bare = checkGraphSoundness(facts({ graph: { revisions, problems: [p] } }));
    expect(bare.reason).toContain("z1.py:2 — z1 dangles.");
    expect(JSON.stringify(bare)).not.toContain("/srv/");
  });
  it("blocks every run for each code Alembic 1.8 cannot load, or loads as a graph Cairn cannot vouch for", () => {
    // Each tried against real Alembic 1.8.1 (see check-graph-soundness.ts).
    const codes = [
      "dangling-down-revision",
      "dangling-depends-on",
      "cycle",
      "duplicate-branch-label",
      "invalid-revision-id",
      "illegal-revision-id",
      "syntax-error",
      "missing-revision",
      "missing-down-revision",
      "invalid-revision",
      "invalid-down-revision",
      "invalid-depends-on",
      "invalid-branch-label",
      "empty-revision-id",
      "missing-versions-directory",
      "unreadable-directory",
      "unreadable-file",
      "non-literal-value",
      "duplicate-revision",
      "too-many-migration-files",
      "version-locations-too-deep",
    ];
    for (const code of codes) {
      const r = checkGraphSoundness(facts({ graph: { revisions, problems: [problem({ code, revision: "z1" })] } }));
      expect({ code, verdict: r.verdict, scope: (r.details as { scope?: string }).scope }).toEqual({ code, verdict: "block", scope: "project" });
    }
  });
  it("leaves an over-long id to the version-width gate, which knows the real column", () => {
    const r = checkGraphSoundness(facts({ graph: { revisions, problems: [problem({ code: "revision-too-long", revision: "c3" }), problem({ code: "revision-too-long", revision: "z1" })] } }));
    expect(r.verdict).toBe("pass");
  });
  it("blocks on unlabelled multiple heads only when they touch the path (Alembic still loads the project)", () => {
    const heads = problem({ code: "multiple-heads", revision: undefined, path: `${root}/versions/d4.py`, message: "two unlabelled heads", data: { heads: ["d4", "z1"] } });
    const r = checkGraphSoundness(facts({ projectRoot: root, graph: { revisions, problems: [heads] } }));
    expect(r.verdict).toBe("block");
    expect(r.reason).toBe("The migration graph has 1 error on the path of this run — multiple-heads: versions/d4.py — two unlabelled heads");
    expect(r.details).toMatchObject({ scope: "path" });
    const elsewhere = problem({ code: "multiple-heads", revision: undefined, message: "two unlabelled heads", data: { heads: ["x9", "z1"] } });
    expect(checkGraphSoundness(facts({ graph: { revisions, problems: [elsewhere] } }))).toMatchObject({
      verdict: "warn",
      reason: "The graph has 1 error-level problem (multiple-heads) outside this run's path. Alembic still loads the project, so this run is not affected.",
    });
  });
  it("ignores warnings and info", () => {
    const r = checkGraphSoundness(
      facts({
        graph: {
          revisions,
          problems: [problem({ revision: "c3", severity: "warning", code: "conditional-assignment" }), problem({ severity: "warning", code: "file-loaded-twice" }), problem({ severity: "info", code: "multiple-heads" })],
        },
      }),
    );
    expect(r).toMatchObject({ verdict: "pass", reason: "No error-level problems in the migration graph." });
  });
});

describe("preview completeness", () => {
  const partial = { notPreviewed: [{ revision: "c3", file: "versions/c3_backfill.py", reason: "AttributeError: 'NoneType' object has no attribute 'fetchall'" }], skipped: ["d4"] };
  it("passes a complete preview, and a run with none", () => {
    expect(checkPreviewComplete(facts({ preview: { notPreviewed: [], skipped: [] } }))).toMatchObject({ id: "preview-complete", verdict: "pass", reason: "The SQL preview shows every migration of this run." });
    expect(checkPreviewComplete(facts())).toMatchObject({ verdict: "pass" });
  });
  it("warns elsewhere, naming the migration, its file and what Alembic never reached", () => {
    const r = checkPreviewComplete(facts({ preview: partial, environment: { ...facts().environment, name: "qa", protected: false } }));
    expect(r.verdict).toBe("warn");
    expect(r.reason).toBe(
      "The SQL preview is incomplete: c3 (versions/c3_backfill.py) cannot be rendered offline: AttributeError: 'NoneType' object has no attribute 'fetchall'. Alembic stopped there, so d4 after it is not previewed either.",
    );
    expect(canProceed([r])).toBe(true);
  });
  it("on a protected environment waits until the migration's id is typed", () => {
    const waiting = checkPreviewComplete(facts({ preview: partial }));
    expect(waiting).toMatchObject({ verdict: "needs-input", details: { required: ["c3"], unnamed: ["c3"] } });
    expect(waiting.reason).toMatch(/production is protected: acknowledge what the preview does not show\.$/);
    expect(waiting.unblock).toMatch(/Type c3 in the preview acknowledgement box\.$/);
    expect(canRequest(evaluateGates(facts({ preview: partial })))).toBe(false);
    // Naming a later migration, or nothing, is not acknowledging this one.
    expect(checkPreviewComplete(facts({ preview: partial }, { previewAcknowledgement: ["d4"] })).verdict).toBe("needs-input");
    const ok = checkPreviewComplete(facts({ preview: partial }, { previewAcknowledgement: [" c3 "] }));
    expect(ok).toMatchObject({ verdict: "warn", details: { acknowledged: ["c3"] } });
    expect(ok.reason).toMatch(/^Acknowledged by typing c3: the SQL preview is incomplete/);
    expect(canProceed(evaluateGates(facts({ preview: partial }, { previewAcknowledgement: ["c3"] })))).toBe(true);
  });
});

describe("promotion order", () => {
  it("passes the first environment and downgrades", () => {
    expect(checkPromotionOrder(facts({ previousEnvironment: null }))).toMatchObject({ verdict: "pass", reason: "production is first in the promotion order." });
    expect(checkPromotionOrder(facts({ kind: "downgrade", previousEnvironment: { name: "staging", currentRevisions: [], succeededRuns: [] } }))).toMatchObject({
      verdict: "pass",
      reason: "Downgrades are not promoted, so promotion order does not apply.",
    });
  });
  it("blocks when the previous environment is not at the target yet", () => {
    const r = checkPromotionOrder(facts({ previousEnvironment: { name: "staging", currentRevisions: ["b2"], succeededRuns: [] } }));
    expect(r).toMatchObject({
      verdict: "block",
      reason: "d4 has not been applied on staging yet (staging is at b2); production comes after staging in the promotion order.",
      unblock: "Upgrade staging to d4 first and let it succeed, then promote it to production.",
    });
    expect(checkPromotionOrder(facts({ previousEnvironment: { name: "staging", currentRevisions: [], succeededRuns: [] } })).reason).toMatch(/staging is at base \(nothing applied\)/);
  });
  it("warns, without blocking, when the target is there but was applied outside Cairn", () => {
    const r = checkPromotionOrder(facts({ previousEnvironment: { name: "staging", currentRevisions: ["d4"], succeededRuns: [{ target: "b2", path: ["a1", "b2"], resultRevisions: ["b2"] }] } }));
    expect(r.verdict).toBe("warn");
    expect(r.reason).toBe("staging holds d4, applied outside Cairn: no Cairn run there recorded it, so its log and timing are not in the audit trail.");
    expect(r.unblock).toBeUndefined();
  });
  it("counts ancestors: a descendant applied, or a run that went further, covers the target", () => {
    expect(checkPromotionOrder(facts({ target: "c3", previousEnvironment: { name: "staging", currentRevisions: ["d4"], succeededRuns: [{ target: "d4", path: ["d4"], resultRevisions: ["d4"] }] } })).verdict).toBe("pass");
    // depends_on counts as applied too
    expect(checkPromotionOrder(facts({ target: "b2", previousEnvironment: { name: "staging", currentRevisions: ["x9"], succeededRuns: [{ target: "x9", path: [], resultRevisions: ["x9"] }] } })).verdict).toBe("pass");
  });
});

describe("sign-off", () => {
  it("is not needed off protected environments or for an empty path", () => {
    expect(checkSignOff(facts({ signOffs: [], environment: { ...facts().environment, protected: false } })).verdict).toBe("pass");
    expect(checkSignOff(facts({ signOffs: [], path: { direction: "upgrade", steps: [], resultHeads: ["d4"] } })).reason).toBe("The run changes no revision, so there is nothing to sign off.");
  });
  it("blocks uncovered revisions and names them", () => {
    const r = checkSignOff(facts({ signOffs: [{ revisions: ["c3"] }] }));
    expect(r).toMatchObject({
      verdict: "block",
      reason: "production is protected and no QA sign-off covers d4 (1 of the 2 revisions this run applies).",
      unblock: "Ask QA to sign off a revision range that includes d4 after verifying it.",
      details: { missing: ["d4"] },
    });
  });
  it("ignores revoked sign-offs and says so", () => {
    const r = checkSignOff(facts({ signOffs: [{ revisions: ["c3", "d4"], revokedAt: "2025-01-01T00:00:00Z" }] }));
    expect(r.verdict).toBe("block");
    expect(r.reason).toBe("production is protected and no QA sign-off covers c3 and d4 (2 of the 2 revisions this run applies). A sign-off covering c3 and d4 was revoked.");
  });
  it("accepts the union of several sign-offs", () => {
    expect(checkSignOff(facts({ signOffs: [{ revisions: ["c3"] }, { revisions: ["d4"], revokedAt: null }] }))).toMatchObject({ verdict: "pass", reason: "QA signed off all 2 revisions of this run." });
  });
});

describe("two-person rule", () => {
  const env = facts().environment;
  it("needs a second person on a protected environment", () => {
    expect(checkTwoPerson(facts({ approver: null }))).toMatchObject({
      verdict: "needs-input",
      reason: "production is protected: a second person must approve this run.",
      unblock: "A release manager or admin other than req@example.com approves it.",
    });
    expect(checkTwoPerson(facts({ approver: null, environment: { ...env, approvers: ["Boss@Example.com"] } })).unblock).toBe("Boss@example.com other than req@example.com approves it.");
  });
  it("refuses self-approval", () => {
    expect(checkTwoPerson(facts({ approver: { userId: "u-req", email: "req@example.com", role: "admin" } }))).toMatchObject({
      verdict: "block",
      reason: "req@example.com requested this run and cannot also approve it: production needs two people.",
      unblock: "Ask a release manager or admin other than req@example.com to approve.",
    });
  });
  it("refuses approvers without the role", () => {
    expect(checkTwoPerson(facts({ approver: { userId: "u-qa", email: "qa@example.com", role: "qa" } }))).toMatchObject({
      verdict: "block",
      reason: "qa@example.com is a qa; only release managers and admins may approve runs.",
    });
  });
  it("enforces the approver list, case-insensitively", () => {
    const listed = { ...env, approvers: ["Boss@Example.com", "cto@example.com"] };
    expect(checkTwoPerson(facts({ environment: listed }))).toMatchObject({
      verdict: "block",
      reason: "app@example.com is not on production's approver list (boss@example.com and cto@example.com).",
      unblock: "Ask one of boss@example.com and cto@example.com to approve, or have an admin add app@example.com to production's approvers.",
    });
    expect(checkTwoPerson(facts({ environment: listed, approver: { userId: "u-b", email: "boss@EXAMPLE.com", role: "release_manager" } })).verdict).toBe("pass");
  });
  it("is not required off protected environments", () => {
    expect(checkTwoPerson(facts({ approver: null, environment: { ...env, protected: false, name: "qa" } }))).toMatchObject({ verdict: "pass", reason: "qa is not protected; no second approval is needed." });
  });
});

describe("downgrade safety (tokenized downgrade() bodies)", () => {
  const down = (steps: string[], sources: Record<string, string | null>, inputs: GateFacts["inputs"] = {}) =>
    checkDowngradeSafety(facts({ kind: "downgrade", target: "b2", path: { direction: "downgrade", steps, resultHeads: ["b2"] }, migrationSources: sources }, inputs));

  it("does not apply to upgrades", () => {
    expect(checkDowngradeSafety(facts())).toMatchObject({ verdict: "pass", reason: "Not a downgrade." });
  });
  it("passes a downgrade that only drops an index", () => {
    expect(down(["d4"], { d4: src("d4_index_orders.py") })).toMatchObject({ verdict: "pass", reason: "No data-destroying operations found in the downgrade() of d4." });
  });
  it("names drop_table, drop_column and DELETE with their lines, and asks for a confirmation naming them", () => {
    const r = down(["e5", "c3", "b2"], { e5: src("e5_seed_statuses.py"), c3: src("c3_create_orders.py"), b2: src("b2_add_customer_name.py") });
    expect(r.verdict).toBe("needs-input");
    expect(r.reason).toBe(
      "This downgrade destroys data or cannot be undone cleanly — e5: runs SQL with DELETE: DELETE FROM order_statuses (line 21); drops table order_statuses (line 22). c3: drops table orders (line 25). b2: drops column customers.name (line 20).",
    );
    expect(r.unblock).toBe("Confirm by naming these migrations: e5, c3, b2.");
    const partial = down(["e5", "c3"], { e5: src("e5_seed_statuses.py"), c3: src("c3_create_orders.py") }, { destructiveConfirmation: ["e5"] });
    expect(partial).toMatchObject({ verdict: "needs-input", unblock: "Confirm by naming the remaining migrations: c3." });
    const ok = down(["e5", "c3"], { e5: src("e5_seed_statuses.py"), c3: src("c3_create_orders.py") }, { destructiveConfirmation: [" e5", "c3"] });
    expect(ok.verdict).toBe("warn");
    expect(ok.reason).toMatch(/^Confirmed, naming e5 and c3: /);
    expect(canProceed([ok])).toBe(true);
  });
  it("flags a downgrade() that does nothing, or raises", () => {
    expect(down(["f6"], { f6: src("f6_broken_audit.py") }).reason).toMatch(/f6: its downgrade\(\) does nothing: the version table will drop it but its changes stay/);
    const raising = 'revision = "r1"\n\ndef downgrade():\n    """No way back."""\n    raise NotImplementedError("irreversible")\n';
    expect(down(["r1"], { r1: raising }).reason).toMatch(/r1: its downgrade\(\) raises an exception/);
    expect(down(["r2"], { r2: "def upgrade():\n    pass\n" }).reason).toMatch(/r2: it has no downgrade\(\) function/);
    expect(down(["r3"], { r3: "def downgrade(): ...\n" }).reason).toMatch(/r3: its downgrade\(\) does nothing/);
  });
  it("is not fooled by comments, docstrings, strings or other functions", () => {
    const tricky = [
      '"""op.drop_table("docstring") in the module docstring."""',
      "from alembic import op",
      "def upgrade():",
      '    op.drop_table("in_upgrade")',
      "def downgrade() -> None:",
      '    """Reverses: op.drop_column("t", "c") would be bad."""',
      '    # op.drop_table("commented")',
      "    op.execute(\"UPDATE t SET note = 'kept'\")",
      '    op.create_index("ix", "t", ["c"])',
      "def helper():",
      '    op.drop_table("after")',
      "",
    ].join("\n");
    expect(down(["r4"], { r4: tricky })).toMatchObject({ verdict: "pass" });
  });
  it("finds batch operations, type changes and multi-line calls", () => {
    const batch = [
      "def downgrade():",
      '    with op.batch_alter_table("users") as batch_op:',
      '        batch_op.drop_column("nickname")',
      '    op.alter_column("users", "age",',
      "                    existing_type=sa.BigInteger(),",
      "                    type_=sa.SmallInteger())",
      '    op.alter_column("users", "email", nullable=True)',
      '    op.execute(sa.text("""',
      "        TRUNCATE audit_log",
      '    """))',
      "",
    ].join("\n");
    const r = down(["r5"], { r5: batch });
    expect(r.reason).toBe(
      "This downgrade destroys data or cannot be undone cleanly — r5: drops column nickname (line 3); changes the type of users.age (values may be truncated or lost) (line 4); runs SQL with TRUNCATE: TRUNCATE audit_log (line 8).",
    );
  });
  it("asks for confirmation when a file cannot be read or parsed", () => {
    expect(down(["r6"], { r6: null }).reason).toMatch(/r6: its migration file could not be read, so Cairn cannot tell what its downgrade\(\) destroys/);
    expect(down(["r7"], { r7: 'def downgrade():\n    op.execute("unterminated\n' }).reason).toMatch(/r7: its file could not be parsed \(.*line 2.*\)/);
  });
});

describe("version width", () => {
  const long = "a".repeat(40);
  it("refuses an id longer than version_num and explains how to widen it", () => {
    const r = checkVersionWidth(facts({ path: { direction: "upgrade", steps: ["c3", long], resultHeads: [long] }, target: long }));
    expect(r).toMatchObject({
      verdict: "block",
      reason: `Revision "${long}" is 40 characters, but production's alembic_version.version_num holds at most 32. Alembic would run the migration and then fail writing its id.`,
      unblock:
        'Widen the column before the long id is written: in an earlier migration run op.alter_column("alembic_version", "version_num", type_=sa.String(64)) (or create the version table wider in env.py), apply that first, then retry.',
    });
  });
  it("only warns on a database that does not enforce the width (SQLite), naming the stricter ones", () => {
    const env = { ...facts().environment, enforcesVersionWidth: false };
    const r = checkVersionWidth(facts({ environment: env, path: { direction: "upgrade", steps: ["c3", long], resultHeads: [long] }, target: long }));
    expect(r.verdict).toBe("warn");
    expect(r.reason).toBe(
      `Revision "${long}" is 40 characters, longer than production's alembic_version.version_num (32). This database does not enforce the width, so the run works here, but the same id fails on PostgreSQL or MySQL.`,
    );
    expect(checkVersionWidth(facts({ environment: { ...env, enforcesVersionWidth: true }, path: { direction: "upgrade", steps: [long], resultHeads: [long] }, target: long })).verdict).toBe("block");
  });
  it("checks what a downgrade writes: the heads it returns to", () => {
    const f = facts({ kind: "downgrade", path: { direction: "downgrade", steps: ["c3"], resultHeads: [long] } });
    expect(checkVersionWidth(f).verdict).toBe("block");
    expect(checkVersionWidth(facts({ kind: "downgrade", path: { direction: "downgrade", steps: [long], resultHeads: ["b2"] } })).verdict).toBe("pass");
  });
  it("passes ids that fit, and warns only when the width is unknown and an id exceeds the default", () => {
    expect(checkVersionWidth(facts())).toMatchObject({ verdict: "pass", reason: "Every revision id fits alembic_version.version_num (32 characters)." });
    const env = { ...facts().environment, versionNumWidth: null };
    expect(checkVersionWidth(facts({ environment: env })).verdict).toBe("pass");
    expect(checkVersionWidth(facts({ environment: env, path: { direction: "upgrade", steps: [long], resultHeads: [long] } })).verdict).toBe("warn");
  });
});

describe("schema drift", () => {
  const env = facts().environment;
  it("names what the schema differs from: another environment at the same revision, or its baseline", () => {
    const r = checkSchemaDrift(facts({ drift: { findings: 2, against: ["qa at the same revision"] } }));
    expect(r.verdict).toBe("block");
    expect(r.reason).toMatch(/^production's schema differs from qa at the same revision in 2 places:/);
    expect(checkSchemaDrift(facts({ drift: { findings: 1 } })).reason).toMatch(/^production's schema differs from its baseline in 1 place:/);
    // A schema that could not be read is said so, never "no baseline" (and never "no drift").
    expect(checkSchemaDrift(facts({ drift: null, driftUnread: "Cairn could not read production's schema (timed out)" }))).toMatchObject({
      verdict: "warn",
      reason: "production's schema was not checked for drift: Cairn could not read production's schema (timed out).",
    });
  });
  it("passes a clean schema and warns when it was not checked", () => {
    expect(checkSchemaDrift(facts())).toMatchObject({ verdict: "pass", reason: "production's schema matches its baseline and the environments at the same revision." });
    expect(checkSchemaDrift(facts({ drift: null }))).toMatchObject({ verdict: "warn", unblock: "Record a baseline for production so drift can be checked before runs." });
  });
  it("only warns on unprotected environments", () => {
    expect(checkSchemaDrift(facts({ drift: { findings: 1 }, environment: { ...env, protected: false, name: "qa" } }))).toMatchObject({
      verdict: "warn",
      reason: "qa's schema differs from its baseline in 1 place; qa is not protected, so the run may go ahead.",
    });
  });
  it("blocks protected environments without an override", () => {
    expect(checkSchemaDrift(facts({ drift: { findings: 3 } }))).toMatchObject({
      verdict: "block",
      reason: "production's schema differs from its baseline in 3 places: someone changed it outside migrations, and migrating on top of that may fail or hide the change.",
      unblock: "Bring the schema back in line (or record a new baseline after review), or have an admin override with a written reason.",
    });
  });
  it("accepts only an admin override with a real reason", () => {
    const d = { drift: { findings: 3 } };
    expect(checkSchemaDrift(facts(d, { driftOverride: { reason: "hotfix index added by DBA, reviewed", byRole: "release_manager", byEmail: "rm@example.com" } }))).toMatchObject({
      verdict: "block",
      reason: "production's schema differs from its baseline in 3 places, and only an admin can override drift on a protected environment (rm@example.com is a release manager).",
    });
    expect(checkSchemaDrift(facts(d, { driftOverride: { reason: "ok", byRole: "admin" } }))).toMatchObject({ verdict: "block", unblock: "Write why it is safe to migrate despite the drift." });
    const ok = checkSchemaDrift(facts(d, { driftOverride: { reason: " hotfix index added by DBA, reviewed ", byRole: "admin", byEmail: "root@example.com" } }));
    expect(ok).toMatchObject({ verdict: "warn", reason: 'production\'s schema differs from its baseline in 3 places; overridden by root@example.com: "hotfix index added by DBA, reviewed".' });
  });

  it("backup: passes saying what will run, blocks on a misconfiguration with the operator's fix", () => {
    expect(checkBackup(facts())).toMatchObject({ id: "backup", verdict: "pass", reason: expect.stringContaining("No backup is configured") });
    const described = "Before Alembic starts, Cairn makes pg_dump -Fc of production into /srv/backups/shop/production and keeps the newest 7; if the backup fails, nothing is migrated.";
    expect(checkBackup(facts({ beforeRun: { description: described, problem: null } }))).toMatchObject({ verdict: "pass", reason: described });
    const blocked = checkBackup(facts({ beforeRun: { description: described, problem: "CAIRN_BACKUP_DIR is not set." } }));
    expect(blocked).toMatchObject({ verdict: "block", reason: "CAIRN_BACKUP_DIR is not set." });
    expect(blocked.unblock).toMatch(/operator/);
  });
});
