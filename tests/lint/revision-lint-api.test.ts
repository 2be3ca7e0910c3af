/** GET /api/projects/:project/lint through the real route wrapper: any signed-in user, nobody anonymous. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import * as lintRoute from "@/app/api/projects/[project]/lint/route";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";

let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let fixture: ReturnType<typeof copyFixtureProject>;
const P = "revision-lint-api";

beforeAll(async () => {
  app = await useAppStore("cairn_revision_lint_api");
  db = app.db;
  fixture = copyFixtureProject(["qa"]);
  await seedProject(db, { name: P, dir: fixture.dir, envs: [{ name: "qa", url: fixture.urls.qa! }] });
}, 60_000);

afterAll(async () => {
  await app?.close();
  fixture?.remove();
});

describe("GET /api/projects/:project/lint", () => {
  it("answers a viewer with each revision's findings, and refuses an anonymous caller", async () => {
    const viewer = await signedIn(db, "viewer");
    const res = await lintRoute.GET(request("GET", `/api/projects/${P}/lint`, { cookie: viewer.cookie }), ctx({ project: P }));
    expect(res.status).toBe(200);
    const answer = await body(res);
    expect(answer.ok).toBe(true);
    expect(Object.keys(answer.revisions).length).toBeGreaterThan(0);
    expect((await lintRoute.GET(request("GET", `/api/projects/${P}/lint`), ctx({ project: P }))).status).toBe(401);
  }, 120_000);
});
