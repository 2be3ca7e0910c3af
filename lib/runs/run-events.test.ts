import { describe, expect, it } from "vitest";
import { applyRunEvent, createRunEventReader, NO_RUN_PROGRESS, runningStep, type RunEvent } from "@/lib/runs/run-events";

const at = new Date("2026-11-28T09:00:00Z");
const LOG = [
  "Cairn: upgrade qa to c3, reviewed from base: a1 → b2 → c3",
  "INFO  [alembic.runtime.migration] Running upgrade  -> a1, create customers",
  "Cairn: Applying a1 (1 of 3): create customers",
  "INFO  [alembic.runtime.migration] Running upgrade a1 -> b2, add customer name",
  "Cairn: Applying b2 (2 of 3): add customer name",
  "print('Running upgrade is only a word here')",
];

function read(lines: string[], end?: string): RunEvent[] {
  const reader = createRunEventReader(["a1", "b2", "c3"]);
  const events = lines.flatMap((text, seq) => reader.line({ seq, text, at }));
  return end ? [...events, ...reader.end({ status: end, resultRevisions: null, lastSeq: lines.length - 1 })] : events;
}

describe("createRunEventReader", () => {
  it("reads steps from Alembic's own lines only, numbered by the reviewed path", () => {
    const steps = read(LOG).filter((e) => e.type !== "line");
    expect(steps).toEqual([
      { type: "step-started", seq: 1, revision: "a1", direction: "upgrade", from: [], to: ["a1"], index: 1, total: 3, message: "create customers" },
      { type: "step-finished", seq: 3, revision: "a1", index: 1, total: 3 },
      { type: "step-started", seq: 3, revision: "b2", direction: "upgrade", from: ["a1"], to: ["b2"], index: 2, total: 3, message: "add customer name" },
    ]);
  });

  it("finishes the last step only when the run succeeded", () => {
    expect(read(LOG, "succeeded").slice(-2)).toEqual([
      { type: "step-finished", seq: 5, revision: "b2", index: 2, total: 3 },
      { type: "end", status: "succeeded", resultRevisions: null },
    ]);
    expect(
      read(LOG, "failed")
        .slice(-2)
        .map((e) => e.type),
    ).toEqual(["line", "end"]);
  });
});

describe("applyRunEvent", () => {
  it("shows the running step, and marks it stopped when the run ends otherwise than succeeded", () => {
    const running = read(LOG).reduce(applyRunEvent, NO_RUN_PROGRESS);
    expect(runningStep(running.steps)).toMatchObject({ revision: "b2", index: 2, total: 3 });
    const failed = read(LOG, "failed").reduce(applyRunEvent, NO_RUN_PROGRESS);
    expect(failed.steps.map((s) => `${s.revision}:${s.state}`)).toEqual(["a1:done", "b2:stopped"]);
    expect(runningStep(failed.steps)).toBeUndefined();
    expect(failed.end?.status).toBe("failed");
  });

  it("counts nothing twice when a resumed stream repeats the events of a line", () => {
    const events = read(LOG);
    const repeated = [...events.slice(0, 5), ...events.slice(2)];
    expect(repeated.reduce(applyRunEvent, NO_RUN_PROGRESS)).toEqual(events.reduce(applyRunEvent, NO_RUN_PROGRESS));
  });
});
