/** The projects admin page's parts, rendered by React's own server renderer (as the page's first paint). */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { ProjectCard } from "@/components/projects/project-card";
import { ConnectionTestOutcome } from "@/components/projects/environment-row";
import type { PublicEnvironment, PublicProject } from "@/lib/projects/to-public-environment";

const env = (name: string, position: number, over: Partial<PublicEnvironment> = {}): PublicEnvironment =>
  ({
    id: `e-${name}`,
    name,
    position,
    protected: false,
    urlMasked: `postgresql://cairn:****@db/${name}`,
    urlKind: "literal",
    versionTable: "alembic_version",
    versionTableSchema: null,
    approvers: [],
    ...over,
  }) as PublicEnvironment;

const project = (over: Partial<PublicProject> = {}): PublicProject =>
  ({
    id: "p1",
    name: "shop",
    source: "store",
    alembicPath: "/srv/shop/alembic.ini",
    command: ["alembic"],
    urlEnvVar: "DATABASE_URL",
    xArgs: [],
    constants: {},
    environments: [env("qa", 0), env("production", 1, { protected: true, approvers: ["ops@example.com"] })],
    ...over,
  }) as PublicProject;

const render = (p: PublicProject) => renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(ProjectCard, { project: p, onDone: () => undefined })));

describe("ProjectCard", () => {
  it("offers a managed project's changes: edit, delete, reorder (not past either end), add an environment", () => {
    const html = render(project());
    expect(html).toContain("managed here");
    expect(html).toContain(">Edit<");
    expect(html).toContain("Add environment");
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*aria-label="Move qa earlier in the promotion order"/);
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*aria-label="Move qa later in the promotion order"/);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*aria-label="Move production later in the promotion order"/);
    // URLs only masked; approvers named.
    expect(html).toContain("postgresql://cairn:****@db/production");
    expect(html).toContain("ops@example.com");
    expect(html).toContain('href="/admin/projects/shop/webhooks"');
  });

  it("shows a project from cairn.config.json read-only: no edit, delete, reorder or add, but a connection test", () => {
    const html = render(project({ source: "config" }));
    expect(html).toContain("cairn.config.json · read-only");
    expect(html).not.toContain(">Edit<");
    expect(html).not.toContain(">Delete<");
    expect(html).not.toContain("promotion order");
    expect(html).not.toContain("Add environment");
    expect(html).toContain("Test connection");
    // Webhooks live in Cairn's store: a config project has them too.
    expect(html).toContain('href="/admin/projects/shop/webhooks"');
  });
});

describe("ConnectionTestOutcome", () => {
  it("names where the database stands, or that it could not be reached", () => {
    expect(renderToStaticMarkup(createElement(ConnectionTestOutcome, { result: { connected: true, state: "behind", summary: "at b2; 1 migration pending", durationMs: 12 } as never }))).toMatch(
      /amber.*behind.*at b2; 1 migration pending.*12 ms/,
    );
    expect(renderToStaticMarkup(createElement(ConnectionTestOutcome, { result: { connected: false, summary: "connection refused", durationMs: 3 } as never }))).toMatch(/red.*unreachable.*connection refused/);
  });
});
