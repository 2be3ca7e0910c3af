import { describe, expect, it } from "vitest";
import { checkLint } from "@/lib/gates/check-lint";
import type { GateFacts } from "@/lib/gates/types";
import type { LintFinding } from "@/lib/lint/types";

const finding = (over: Partial<LintFinding> = {}): LintFinding => ({
  rule: "drop-column",
  severity: "error",
  revision: "c3",
  file: "versions/c3_drop_legacy.py",
  line: 17,
  statement: "ALTER TABLE users DROP COLUMN legacy",
  message: "Drops column users.legacy. Its values are lost.",
  fix: "Expand/contract.",
  ...over,
});

const facts = (protectedEnv: boolean, findings: LintFinding[] | undefined, kind: GateFacts["kind"] = "promotion"): GateFacts => ({
  kind,
  environment: { name: protectedEnv ? "production" : "qa", protected: protectedEnv, approvers: [], versionTable: "alembic_version", versionNumWidth: 32 },
  target: "c3",
  path: { direction: "upgrade", steps: ["c3"], resultHeads: ["c3"] },
  graph: { revisions: new Map(), problems: [] },
  previousEnvironment: null,
  signOffs: [],
  requester: { userId: "u", email: "u@example.com" },
  approver: null,
  drift: null,
  migrationSources: {},
  inputs: {},
  ...(findings ? { lint: { findings, notApplicable: [] } } : {}),
});

describe("lint gate", () => {
  it("blocks a protected environment on an unacknowledged error, naming the migration, file, line and rule", () => {
    const r = checkLint(facts(true, [finding()]));
    expect(r).toMatchObject({ id: "lint", verdict: "block" });
    expect(r.reason).toContain("c3 (versions/c3_drop_legacy.py:17) drop-column: Drops column users.legacy");
    expect(r.unblock).toMatch(/# cairn: allow <rule> — <reason>/);
  });

  it("warns elsewhere, and for warnings anywhere", () => {
    expect(checkLint(facts(false, [finding()])).verdict).toBe("warn");
    expect(checkLint(facts(true, [finding({ rule: "non-concurrent-index", severity: "warning" })])).verdict).toBe("warn");
  });

  it("passes once the migration acknowledges the finding, and lists the acknowledgement", () => {
    const r = checkLint(facts(true, [finding({ acknowledged: "unused since v2" })]));
    expect(r.verdict).toBe("pass");
    expect(r.reason).toMatch(/1 acknowledged in the migrations: c3 drop-column \(“unused since v2”\)/);
  });

  it("leaves over-long ids and unrendered migrations to the version-width and preview gates", () => {
    const r = checkLint(facts(true, [finding({ rule: "revision-id-too-long" }), finding({ rule: "preview-unavailable", severity: "warning" })]));
    expect(r.verdict).toBe("pass");
  });

  it("passes when the path was not linted (downgrades)", () => {
    expect(checkLint(facts(true, undefined, "downgrade"))).toMatchObject({ verdict: "pass", reason: "Downgrades are not linted." });
  });
});
