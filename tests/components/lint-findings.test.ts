/** The run dialog's lint section, rendered by React's own server renderer: a lint that failed must not read as a clean path. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LintFindings } from "@/components/runs/lint-findings";
import type { GateResult } from "@/lib/gates/types";

const gate = (over: Partial<GateResult>): GateResult => ({ id: "lint", label: "Migration lint", verdict: "pass", reason: "", ...over });

describe("LintFindings", () => {
  it("says lint could not run, and what failed, instead of 'no open finding'", () => {
    const what = "Alembic could not be run to render the migrations after j10 (k11): Cairn could not start \"alembic\" (not found)";
    const html = renderToStaticMarkup(createElement(LintFindings, { gate: gate({ verdict: "block", details: { failed: what } }) }));
    expect(html).toContain("Lint could not run");
    expect(html).toContain("after j10 (k11)");
    expect(html).not.toContain("no open finding");
    expect(html).not.toContain("Nothing on this path");
  });

  it("still says a clean path is clean", () => {
    const html = renderToStaticMarkup(createElement(LintFindings, { gate: gate({ details: { findings: [] } }) }));
    expect(html).toContain("no open finding");
  });
});
