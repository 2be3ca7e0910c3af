/**
 * The graph page's lint answer is a size contract, not a timing: on the benchmarks' generated
 * 5,000-revision project (50 merges; every revision's `select 1` cannot be rendered offline by its
 * do-nothing env.py, so every revision has a finding, as lint's worst case), every finding of every
 * revision was 5.38 MB of JSON; the badges must stay a small fraction of it, and a pending path of
 * 2,000 revisions is answered through POST's body, its first 100 findings with the counts of all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lintRoute from "@/app/api/projects/[project]/lint/route";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { lintProjectRevisions } from "@/lib/lint-service/lint-project-revisions";
import { DEFAULT_LINT_FINDINGS_LIMIT } from "@/lib/lint-service/revision-lint.types";
import { ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { seedProject } from "@/tests/runs-api/support";
// @ts-expect-error: a plain ES module of the benchmark scripts, without types.
import { generateProject } from "@/scripts/lib/bench-projects.mjs";

let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let dir: string;
let history: string[];
let viewer: Awaited<ReturnType<typeof signedIn>>;
const P = "lint-size";

beforeAll(async () => {
  app = await useAppStore("cairn_revision_lint_size");
  db = app.db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-lint-size-"));
  ({ history } = generateProject(dir, 5000, 50) as { history: string[] });
  await seedProject(db, { name: P, dir, envs: [{ name: "qa", url: "postgresql://nobody@127.0.0.1:1/none" }] });
  viewer = await signedIn(db, "viewer");
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("the lint answers' size for 5,000 revisions", () => {
  it("the graph's badges are under 200 KB where every finding is over 2 MB", async () => {
    const res = await lintRoute.GET(request("GET", `/api/projects/${P}/lint`, { cookie: viewer.cookie }), ctx({ project: P }));
    expect(res.status).toBe(200);
    const text = await res.text();
    const summary = JSON.parse(text);
    expect(summary.ok).toBe(true);
    expect(Object.keys(summary.revisions).length).toBeGreaterThanOrEqual(4900);
    const full = await lintProjectRevisions(db, { project: P, actor: { kind: "user", userId: viewer.id, email: viewer.email, name: "v", role: "viewer" } });
    const fullBytes = bytes(JSON.stringify(full));
    // Measured 2026-11-28: 5.38 MB of findings, 145 KB of badges.
    expect(fullBytes).toBeGreaterThan(2_000_000);
    expect(bytes(text)).toBeLessThan(200_000);
  }, 300_000);

  it("one revision's findings are a few KB, and a 2,000-revision pending path's open findings come through POST", async () => {
    const one = await lintRoute.GET(request("GET", `/api/projects/${P}/lint?revision=${history[10]}`, { cookie: viewer.cookie }), ctx({ project: P }));
    expect(one.status).toBe(200);
    expect(bytes(await one.text())).toBeLessThan(5_000);
    const pending = history.slice(3000);
    const res = await lintRoute.POST(request("POST", `/api/projects/${P}/lint`, { cookie: viewer.cookie, body: { revisions: pending, open: true, limit: 10_000 } }), ctx({ project: P }));
    expect(res.status).toBe(200);
    const text = await res.text();
    const a = JSON.parse(text);
    expect(Object.keys(a.revisions)).toHaveLength(2000);
    const total = a.counts.error + a.counts.warning + a.counts.info;
    expect(total).toBeGreaterThan(DEFAULT_LINT_FINDINGS_LIMIT);
    // A POST that names no limit lists the default number of findings, and counts them all.
    const unsaid = JSON.parse(await (await lintRoute.POST(request("POST", `/api/projects/${P}/lint`, { cookie: viewer.cookie, body: { revisions: pending, open: true } }), ctx({ project: P }))).text());
    expect(Object.values(unsaid.revisions).flat()).toHaveLength(DEFAULT_LINT_FINDINGS_LIMIT);
    expect(unsaid.omitted).toBe(total - DEFAULT_LINT_FINDINGS_LIMIT);
    // What the environment page asks for: the first 100 open findings and the counts of all (2.15 MB whole).
    const listed = await lintRoute.POST(request("POST", `/api/projects/${P}/lint`, { cookie: viewer.cookie, body: { revisions: pending, open: true, limit: 100 } }), ctx({ project: P }));
    const listedText = await listed.text();
    const l = JSON.parse(listedText);
    expect(Object.values(l.revisions).flat()).toHaveLength(100);
    expect(l.counts).toEqual(a.counts);
    expect(l.omitted).toBe(l.counts.error + l.counts.warning + l.counts.info - 100);
    expect(bytes(text)).toBeGreaterThan(1_000_000);
    expect(bytes(listedText)).toBeLessThan(150_000);
  }, 300_000);
});
