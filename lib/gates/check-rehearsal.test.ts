import { describe, expect, it } from "vitest";
import { checkRehearsal } from "@/lib/gates/check-rehearsal";
import type { GateFacts, RehearsalFact } from "@/lib/gates/types";

const NOW = new Date("2026-11-28T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function facts(rehearsal: Partial<RehearsalFact> | undefined, o: { protected?: boolean; steps?: string[] } = {}): GateFacts {
  return {
    kind: "promotion",
    environment: { name: "production", protected: o.protected ?? true, approvers: [], versionTable: "alembic_version", versionNumWidth: 32 },
    target: "c3",
    path: { direction: "upgrade", steps: o.steps ?? ["c3"], resultHeads: ["c3"] },
    graph: { revisions: new Map(), problems: [] },
    previousEnvironment: null,
    signOffs: [],
    requester: { userId: "u", email: "u@example.com" },
    approver: null,
    drift: null,
    migrationSources: {},
    inputs: {},
    rehearsal: rehearsal && { now: NOW, maxAgeMs: 24 * 3_600_000, requireReversible: false, required: o.protected ?? true, latest: null, ...rehearsal },
  };
}

const passed = { status: "finished" as const, finishedAt: hoursAgo(2), stepsOk: true, reversible: true, differences: [] };

describe("checkRehearsal", () => {
  it("blocks a required environment until the path is rehearsed, and warns elsewhere", () => {
    const r = checkRehearsal(facts({}));
    expect(r.verdict).toBe("block");
    expect(r.reason).toBe("This path has not been rehearsed (from these revisions, to this target, with these migration files). A run on production needs a passing rehearsal of this exact path.");
    expect(r.unblock).toMatch(/cairn rehearse/);
    expect(checkRehearsal(facts({}, { protected: false })).verdict).toBe("warn");
  });

  it("passes a passing, reversible, recent rehearsal", () => {
    const r = checkRehearsal(facts({ latest: passed }));
    expect(r.verdict).toBe("pass");
    expect(r.reason).toContain("2 h ago");
  });

  it("blocks a running, failed or too-old rehearsal, naming why", () => {
    expect(checkRehearsal(facts({ latest: { ...passed, status: "running", finishedAt: null } })).reason).toContain("still running");
    const failed = checkRehearsal(facts({ latest: { ...passed, stepsOk: false, failure: "c3: operator does not exist: json ? unknown" } }));
    expect(failed.verdict).toBe("block");
    expect(failed.reason).toContain("failed: c3: operator does not exist: json ? unknown");
    const old = checkRehearsal(facts({ latest: { ...passed, finishedAt: hoursAgo(30) } }));
    expect(old.verdict).toBe("block");
    expect(old.reason).toContain("30 h old; it counts for 24 h");
    expect(checkRehearsal(facts({ latest: { ...passed, status: "interrupted" } })).verdict).toBe("block");
  });

  it("warns on an irreversible round trip with the differences, and blocks it where reversibility is required", () => {
    const latest = { ...passed, reversible: false, differences: ["index ix_notifications_user_id on notifications is missing after downgrade"] };
    const w = checkRehearsal(facts({ latest }));
    expect(w.verdict).toBe("warn");
    expect(w.reason).toContain("not reversible: index ix_notifications_user_id on notifications is missing after downgrade");
    expect(checkRehearsal(facts({ latest, requireReversible: true })).verdict).toBe("block");
  });

  it("an unchecked round trip is not a reversible one: warns with why, blocks where reversibility is required", () => {
    const latest = { ...passed, reversible: null, roundTripNote: "a schema could not be read (timed out after 10000 ms)" };
    const w = checkRehearsal(facts({ latest }));
    expect(w.verdict).toBe("warn");
    expect(w.reason).toBe("The rehearsal passed, but its round trip was not checked: a schema could not be read (timed out after 10000 ms).");
    const b = checkRehearsal(facts({ latest, requireReversible: true }));
    expect(b.verdict).toBe("block");
    expect(b.reason).toContain("production requires a reversible round trip");
  });

  it("passes when there is nothing to run or nothing was checked, and warns where rehearsal is not available", () => {
    expect(checkRehearsal(facts({}, { steps: [] })).verdict).toBe("pass");
    expect(checkRehearsal(facts(undefined)).verdict).toBe("pass");
    const mysql = checkRehearsal(facts({ unsupported: "rehearsal is not yet available for MySQL/MariaDB." }));
    expect(mysql.verdict).toBe("warn");
  });
});
