/** The run dialog's lint section, rendered by React's own server renderer: a lint that failed must not read as a clean path. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { LintFindings } from "@/components/runs/lint-findings";
import type { GateResult } from "@/lib/gates/types";

const gate = (over: Partial<GateResult>): GateResult => ({ id: "lint", label: "Migration lint", verdict: "pass", reason: "", ...over });

describe("LintFindings", () => {
  it("says lint could not run, and what failed, instead of 'no open finding'", () => {
    const what = 'Alembic could not be run to render the migrations after j10 (k11): Cairn could not start "alembic" (not found)';
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

describe("LintFindings and admin acknowledgements", () => {
  const drop = { rule: "drop-column", severity: "error", revision: "i9", file: "versions/i9.py", line: 3, statement: null, message: "Drops column orders.total_cents.", fix: "Expand, then contract." } as const;
  const acked = { ...drop, acknowledged: "totals moved to invoices in h2", acknowledgedBy: { id: "a1", email: "root@example.com", at: "2026-11-28T08:00:00.000Z" } };
  const render = (findings: unknown[], admin: boolean) =>
    renderToStaticMarkup(
      createElement(QueryClientProvider, { client: new QueryClient() }, createElement(LintFindings, { gate: gate({ details: { findings } }), ...(admin ? { acknowledging: { project: "p", onChanged: () => undefined } } : {}) })),
    );

  it("offers an admin 'Acknowledge (admin)…' on an open error-level finding, and nobody else", () => {
    expect(render([drop], true)).toContain("Acknowledge (admin)…");
    expect(render([drop], false)).not.toContain("Acknowledge (admin)");
    expect(render([{ ...drop, severity: "warning" }], true)).not.toContain("Acknowledge (admin)");
  });

  it("shows everyone who acknowledged a finding and why; only an admin may revoke it", () => {
    const html = render([acked], false);
    expect(html).toContain("Acknowledged by root@example.com (admin) on 2026-11-28 08:00 UTC: “totals moved to invoices in h2”");
    expect(html).not.toContain("Revoke");
    expect(render([acked], true)).toContain("Revoke acknowledgement");
  });
});
