import { describe, expect, it } from "vitest";
import { checkAppliedFiles } from "@/lib/gates/check-applied-files";
import type { GateFacts } from "@/lib/gates/types";

const facts = (appliedFileEdits?: GateFacts["appliedFileEdits"]) => ({ environment: { name: "production" }, ...(appliedFileEdits ? { appliedFileEdits } : {}) }) as unknown as GateFacts;

describe("checkAppliedFiles", () => {
  it("passes when not checked or when nothing changed", () => {
    expect(checkAppliedFiles(facts())).toMatchObject({ verdict: "pass", reason: "Applied files were not checked for this run." });
    expect(checkAppliedFiles(facts([]))).toMatchObject({ verdict: "pass" });
  });

  it("warns with where and when each edited file was applied, and a removed file", () => {
    const r = checkAppliedFiles(
      facts([
        { revision: "c3", file: "versions/c3.py", environment: "staging", appliedAt: "2026-11-02T10:00:00.000Z", source: "run", exists: true },
        { revision: "b2", file: "versions/b2.py", environment: "qa", appliedAt: "2026-10-30T08:00:00.000Z", source: "observed", exists: false },
      ]),
    );
    expect(r.verdict).toBe("warn");
    expect(r.reason).toBe(
      "c3 (versions/c3.py) was edited after it was applied to staging on 2026-11-02 — the database did not get this change. b2's file versions/b2.py was removed after Cairn first saw it applied to qa on 2026-10-30.",
    );
    expect(r.unblock).toBe("This run applies the files as they are now, so production will not match staging and qa. Restore the file, or carry the change to staging and qa in a new migration.");
  });
});
