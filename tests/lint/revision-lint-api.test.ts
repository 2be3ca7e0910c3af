/**
 * /api/projects/:project/lint through the real route wrapper, on the lint rule fixtures rendered by real
 * Alembic: GET answers every revision's badge (counts and rules, not the findings), GET ?revision= one
 * revision's findings, POST {revisions} the findings of a list (an environment's pending path); any
 * signed-in user or status:read token, nobody anonymous; an unknown revision or a bad input is refused
 * in plain words; an admin's acknowledgement shows in all three.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lintRoute from "@/app/api/projects/[project]/lint/route";
import * as ackRoute from "@/app/api/projects/[project]/lint/acknowledgements/route";
import type { Actor } from "@/lib/auth/actor";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { revisionLintBadge, type RevisionLintSummary } from "@/lib/lint/summarize-revision-lint";
import type { LintFinding } from "@/lib/lint/types";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";
import { seedProject } from "@/tests/runs-api/support";

let db: PrismaClient;
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let dir: string;
let viewer: Awaited<ReturnType<typeof signedIn>>;
const P = "revision-lint-api";
let cleanRevision = "start";

beforeAll(async () => {
  app = await useAppStore("cairn_revision_lint_api");
  db = app.db;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-rev-lint-api-"));
  fs.cpSync(path.resolve(import.meta.dirname, "project"), dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  await seedProject(db, { name: P, dir, envs: [{ name: "qa", url: "postgresql://nobody@127.0.0.1:1/none" }] });
  viewer = await signedIn(db, "viewer");
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = (auth: { cookie?: string; token?: string }, query = "") => lintRoute.GET(request("GET", `/api/projects/${P}/lint${query}`, auth), ctx({ project: P }));
const post = (auth: { cookie?: string; token?: string }, b: unknown) => lintRoute.POST(request("POST", `/api/projects/${P}/lint`, { ...auth, body: b }), ctx({ project: P }));
const summary = async (): Promise<Extract<RevisionLintSummary, { ok: true }>> => {
  const res = await get({ cookie: viewer.cookie });
  expect(res.status).toBe(200);
  const s = (await body(res)) as RevisionLintSummary;
  if (!s.ok) throw new Error(s.message);
  return s;
};

describe("GET /api/projects/:project/lint (badges)", () => {
  it("answers a viewer with each revision's counts and rules — no finding's text — and only revisions with findings", async () => {
    const s = await summary();
    expect(s.dialect).toBe("postgresql");
    expect(revisionLintBadge(s, "drop_column_bad")).toMatchObject({ errors: 1, acknowledged: 0, openRules: ["drop-column"] });
    expect(revisionLintBadge(s, "index_bad")?.openRules).toContain("non-concurrent-index");
    // Acknowledged in the migration itself (`# cairn: allow …`): counted apart, not open.
    expect(revisionLintBadge(s, "ack_line_ok")).toMatchObject({ errors: 0, warnings: 0, acknowledged: 1, openRules: [] });
    const ids = [
      "start",
      "drop_table_ok",
      "drop_column_ok",
      "recreate_ok",
      "rename_table_ok",
      "rename_column_ok",
      "type_change_ok",
      "not_null_ok",
      "index_ok",
      "constraint_ok",
      "backfill_ok",
      "events_table",
      "jsonb_ok",
      "syntax_ok",
    ];
    const clean = ids.filter((id) => !revisionLintBadge(s, id));
    expect(clean.length).toBeGreaterThan(0);
    cleanRevision = clean[0]!;
    // Its findings, asked for, are none: a revision without a badge has nothing to show.
    expect((await body(await post({ cookie: viewer.cookie }, { revisions: clean }))).revisions).toEqual(Object.fromEntries(clean.map((id) => [id, []])));
    expect(JSON.stringify(s)).not.toMatch(/"message"|"fix"|"statement"/);
  }, 120_000);

  it("refuses an anonymous caller (401) and a token without status:read (403)", async () => {
    expect((await get({})).status).toBe(401);
    expect((await get({}, "?revision=drop_column_bad")).status).toBe(401);
    expect((await post({}, { revisions: ["drop_column_bad"] })).status).toBe(401);
    const admin = await signedIn(db, "admin");
    const adminActor: Actor = { kind: "user", userId: admin.id, email: admin.email, name: "admin", role: "admin" };
    const { token } = await createApiToken(db, adminActor, { name: "runs only", scopes: ["runs:request"] });
    for (const res of [await get({ token }), await get({ token }, "?revision=drop_column_bad"), await post({ token }, { revisions: ["drop_column_bad"] })]) {
      expect(res.status).toBe(403);
      expect((await body(res)).error.message).toContain('"status:read" scope');
    }
    const reader = (await createApiToken(db, adminActor, { name: "reader", scopes: ["status:read"] })).token;
    expect((await get({ token: reader })).status).toBe(200);
  });
});

describe("one revision's findings on demand", () => {
  it("GET ?revision= answers that revision's findings in full, and an empty list for a revision without any", async () => {
    const res = await get({ cookie: viewer.cookie }, "?revision=drop_column_bad");
    expect(res.status).toBe(200);
    const a = await body(res);
    expect(Object.keys(a.revisions)).toEqual(["drop_column_bad"]);
    expect(a.revisions.drop_column_bad[0]).toMatchObject({ rule: "drop-column", severity: "error", revision: "drop_column_bad", file: "versions/03_drop_column_bad.py", fix: expect.any(String) });
    expect((await body(await get({ cookie: viewer.cookie }, `?revision=${cleanRevision}`))).revisions).toEqual({ [cleanRevision]: [] });
  }, 120_000);

  it("refuses an unknown revision with a 404 naming it, and a bad query with a 422", async () => {
    const res = await get({ cookie: viewer.cookie }, "?revision=no_such_rev");
    expect(res.status).toBe(404);
    expect((await body(res)).error.message).toMatch(/has no revision no_such_rev/);
    expect((await get({ cookie: viewer.cookie }, "?revision=")).status).toBe(422);
    expect((await get({ cookie: viewer.cookie }, `?revision=${"x".repeat(300)}`)).status).toBe(422);
    expect((await get({ cookie: viewer.cookie }, "?rev=drop_column_bad")).status).toBe(422);
  });
});

describe("POST /api/projects/:project/lint (a pending path's findings)", () => {
  it("answers the findings of the revisions named, in their order; open: true leaves the acknowledged ones out", async () => {
    const res = await post({ cookie: viewer.cookie }, { revisions: ["index_bad", "ack_line_ok", "drop_column_ok"] });
    expect(res.status).toBe(200);
    const a = await body(res);
    expect(Object.keys(a.revisions)).toEqual(["index_bad", "ack_line_ok", "drop_column_ok"]);
    expect(a.revisions.ack_line_ok.some((f: LintFinding) => f.acknowledged)).toBe(true);
    const open = await body(await post({ cookie: viewer.cookie }, { revisions: ["index_bad", "ack_line_ok"], open: true }));
    expect(open.revisions.ack_line_ok).toEqual([]);
    expect(open.revisions.index_bad.map((f: LintFinding) => f.rule)).toContain("non-concurrent-index");
    expect(open.counts.error + open.counts.warning + open.counts.info).toBe(open.revisions.index_bad.length);
    expect(open.omitted).toBe(0);
  }, 120_000);

  it("lists at most `limit` findings, the first in the order named, and counts them all", async () => {
    const named = ["drop_table_bad", "drop_column_bad", "index_bad", "rename_table_bad"];
    const all = await body(await post({ cookie: viewer.cookie }, { revisions: named, open: true }));
    const total = named.reduce((n, r) => n + all.revisions[r].length, 0);
    expect(total).toBeGreaterThan(2);
    const two = await body(await post({ cookie: viewer.cookie }, { revisions: named, open: true, limit: 2 }));
    expect(Object.values(two.revisions).flat()).toEqual(named.flatMap((r) => all.revisions[r]).slice(0, 2));
    expect(two.omitted).toBe(total - 2);
    expect(two.counts).toEqual(all.counts);
    expect(all.counts.error).toBe(named.flatMap((r) => all.revisions[r]).filter((f: LintFinding) => f.severity === "error").length);
  }, 120_000);

  it("counts and lists a revision named twice once", async () => {
    const once = await body(await post({ cookie: viewer.cookie }, { revisions: ["index_bad", "drop_table_bad"], limit: 3 }));
    const twice = await body(await post({ cookie: viewer.cookie }, { revisions: ["index_bad", "index_bad", "drop_table_bad", "index_bad"], limit: 3 }));
    expect(twice).toEqual(once);
    expect(once.counts.error + once.counts.warning + once.counts.info).toBe(once.omitted + Object.values(once.revisions).flat().length);
  }, 120_000);

  it("refuses unknown revisions (404) and bad bodies (422)", async () => {
    const res = await post({ cookie: viewer.cookie }, { revisions: ["index_bad", "gone_1", "gone_2"] });
    expect(res.status).toBe(404);
    expect((await body(res)).error.message).toMatch(/has no revision gone_1, gone_2/);
    for (const bad of [
      {},
      { revisions: [] },
      { revisions: "index_bad" },
      { revisions: [""] },
      { revisions: ["index_bad"], extra: 1 },
      { revisions: ["index_bad"], limit: 0 },
      { revisions: ["index_bad"], limit: 1.5 },
      { revisions: Array.from({ length: 20_001 }, (_, k) => `r${k}`) },
    ]) {
      const r = await post({ cookie: viewer.cookie }, bad);
      expect(r.status, JSON.stringify(bad).slice(0, 60)).toBe(422);
    }
  });

  it("refuses a cookie-signed POST from another site (403), as every POST", async () => {
    const res = await lintRoute.POST(request("POST", `/api/projects/${P}/lint`, { cookie: viewer.cookie, origin: "https://evil.example", body: { revisions: ["index_bad"] } }), ctx({ project: P }));
    expect(res.status).toBe(403);
  });
});

describe("an admin's acknowledgement", () => {
  it("shows in the badges, the revision's findings and the pending path's open findings, and is gone once revoked", async () => {
    const admin = await signedIn(db, "admin");
    const sha = crypto
      .createHash("sha256")
      .update(fs.readFileSync(path.join(dir, "versions", "03_drop_column_bad.py")))
      .digest("hex");
    const ack = await ackRoute.POST(
      request("POST", `/api/projects/${P}/lint/acknowledgements`, { cookie: admin.cookie, body: { revision: "drop_column_bad", rule: "drop-column", reason: "the column was emptied in v3", fileSha256: sha } }),
      ctx({ project: P }),
    );
    expect(ack.status).toBe(201);
    const s = await summary();
    expect(revisionLintBadge(s, "drop_column_bad")).toMatchObject({ errors: 0, acknowledged: 1, openRules: [] });
    expect(revisionLintBadge(s, "index_bad")?.openRules).toContain("non-concurrent-index");
    const one = await body(await get({ cookie: viewer.cookie }, "?revision=drop_column_bad"));
    expect(one.revisions.drop_column_bad[0]).toMatchObject({ rule: "drop-column", acknowledged: "the column was emptied in v3", acknowledgedBy: { email: admin.email } });
    const open = await body(await post({ cookie: viewer.cookie }, { revisions: ["drop_column_bad"], open: true }));
    expect(open.revisions.drop_column_bad).toEqual([]);

    const id = (await body(ack)).id as string;
    const { DELETE } = await import("@/app/api/projects/[project]/lint/acknowledgements/[id]/route");
    expect((await DELETE(request("DELETE", `/api/projects/${P}/lint/acknowledgements/${id}`, { cookie: admin.cookie }), ctx({ project: P, id }))).status).toBe(200);
    expect(revisionLintBadge(await summary(), "drop_column_bad")).toMatchObject({ errors: 1, acknowledged: 0, openRules: ["drop-column"] });
  }, 120_000);
});
