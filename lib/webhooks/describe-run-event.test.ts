import { describe, expect, it } from "vitest";
import { describeRunEvent, type RunEventFacts } from "@/lib/webhooks/describe-run-event";

const run: RunEventFacts = {
  id: "0b1c",
  environment: "production",
  kind: "upgrade",
  status: "awaiting_approval",
  target: "3f2a1c",
  fromRevisions: ["9e8d7c"],
  steps: ["1a2b3c", "3f2a1c"],
  resultRevisions: null,
  requestedBy: "alice@example.com",
  approvedBy: null,
};

describe("describeRunEvent", () => {
  it("says what runs, where, by whom and what happens next, in one line", () => {
    expect(describeRunEvent("run.requested", run, { actor: "alice@example.com" }).summary).toBe("production: upgrade to 3f2a1c (2 migrations) requested by alice@example.com — awaiting approval");
    expect(describeRunEvent("run.requested", { ...run, kind: "stamp", status: "queued", steps: [] }, { actor: "alice@example.com" }).summary).toBe("production: stamp to 3f2a1c requested by alice@example.com — queued");
    expect(describeRunEvent("run.failed", { ...run, status: "failed", resultRevisions: ["1a2b3c"] }, { actor: "bob@example.com", failedStep: "3f2a1c" }).summary).toBe(
      "production: upgrade to 3f2a1c (2 migrations) failed in migration 3f2a1c — production is now at 1a2b3c",
    );
    expect(describeRunEvent("run.interrupted", { ...run, status: "interrupted" }, { actor: null, recovered: true }).summary).toBe(
      "production: upgrade to 3f2a1c (2 migrations) was interrupted (the Cairn instance running it stopped) — where production stands could not be read; check it before running again",
    );
  });

  it("keeps a long reason to one short line in the summary, whole in the data", () => {
    const reason = `not now:\n${"x".repeat(500)}`;
    const { summary, data } = describeRunEvent("run.rejected", { ...run, status: "rejected" }, { actor: "bob@example.com", reason });
    expect(summary).toMatch(/^production: upgrade to 3f2a1c \(2 migrations\) rejected by bob@example\.com: not now: x+…$/);
    expect(summary.length).toBeLessThan(300);
    expect(data.reason).toBe(reason);
  });

  it("links the run page: a path, and an absolute URL only when Cairn knows its public URL", () => {
    expect(describeRunEvent("run.approved", run, { actor: "bob@example.com" }).data).toMatchObject({ link: "/runs/0b1c" });
    expect(describeRunEvent("run.approved", run, { actor: "bob@example.com" }).data.url).toBeUndefined();
    expect(describeRunEvent("run.approved", run, { actor: "bob@example.com", baseUrl: "https://cairn.example.com/ops" }).data.url).toBe("https://cairn.example.com/ops/runs/0b1c");
  });
});
