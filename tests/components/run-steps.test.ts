/** The run page's steps, rendered by React's own server renderer from the run's step events. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RunSteps } from "@/components/runs/run-live";
import type { RunStep } from "@/lib/runs/run-events";

const step = (over: Partial<RunStep>): RunStep => ({ revision: "a1", direction: "upgrade", index: 1, total: 2, message: "create customers", state: "done", ...over });

describe("RunSteps", () => {
  it("lists each migration with where it got to", () => {
    const html = renderToStaticMarkup(createElement(RunSteps, { steps: [step({}), step({ revision: "b2", index: 2, message: "add customer name", state: "stopped" })] }));
    expect(html).toContain('data-step="a1" data-step-state="done"');
    expect(html).toContain('data-step="b2" data-step-state="stopped"');
    expect(html).toContain("did not finish");
    expect(html).toContain("2 of 2");
    expect(html).toContain("add customer name");
  });

  it("says revert for a downgrade, and shows nothing before the first step", () => {
    expect(renderToStaticMarkup(createElement(RunSteps, { steps: [step({ direction: "downgrade", state: "running" })] }))).toMatch(/running.*revert/);
    expect(renderToStaticMarkup(createElement(RunSteps, { steps: [] }))).toBe("");
  });
});
