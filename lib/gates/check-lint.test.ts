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

const unavailable = (protectedEnv: boolean, u: NonNullable<GateFacts["lintUnavailable"]>, kind: GateFacts["kind"] = "promotion"): GateFacts => ({
  ...facts(protectedEnv, undefined, kind),
  lintUnavailable: u,
});
const FAILED = { kind: "failed", what: "the SQL parser (libpg-query) could not be loaded: WebAssembly.instantiate(): out of memory" } as const;

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

  it("blocks a protected upgrade or promotion when lint failed to run, saying what failed and what to do", () => {
    for (const kind of ["upgrade", "promotion"] as const) {
      const r = checkLint(unavailable(true, FAILED, kind));
      expect(r.verdict).toBe("block");
      expect(r.reason).toContain("Lint could not check this path: the SQL parser (libpg-query) could not be loaded");
      expect(r.reason).toContain("production is protected");
      expect(r.unblock).toMatch(/^Plan again .*cairn lint --config FILE --project NAME --env NAME/);
      expect(r.details).toMatchObject({ failed: FAILED.what });
    }
  });

  it("warns when lint failed on an unprotected environment, and on a downgrade (downgrades are not linted for their SQL)", () => {
    expect(checkLint(unavailable(false, FAILED, "upgrade")).verdict).toBe("warn");
    expect(checkLint(unavailable(true, FAILED, "downgrade")).verdict).toBe("warn");
  });

  it("passes when lint does not apply to the path, saying why — not as a failure", () => {
    const r = checkLint(unavailable(true, { kind: "not-applicable", reason: "No migration on this path." }, "upgrade"));
    expect(r).toMatchObject({ verdict: "pass", reason: "Lint does not apply: No migration on this path." });
  });
});
