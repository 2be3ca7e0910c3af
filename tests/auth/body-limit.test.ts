import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import * as loginRoute from "@/app/api/auth/login/route";
import * as usersRoute from "@/app/api/admin/users/route";
import * as projectsRoute from "@/app/api/projects/route";
import * as myTokensRoute from "@/app/api/tokens/route";
import * as cancelRunRoute from "@/app/api/runs/[id]/cancel/route";
import * as rejectRunRoute from "@/app/api/runs/[id]/reject/route";
import * as releaseRunRoute from "@/app/api/runs/[id]/release/route";
import * as signOffsRoute from "@/app/api/projects/[project]/signoffs/route";
import * as planRoute from "@/app/api/projects/[project]/envs/[env]/runs/plan/route";
import { JSON_BODY_LIMIT, SIGN_IN_BODY_LIMIT } from "@/lib/api/read-json-body";
import { BASE, body, ctx, signedIn, useAppStore } from "@/tests/auth/helpers";

// Issue 18 item 8: bodies are limited before they are read — by Content-Length, and by counting
// a chunked stream as it arrives — and answered 413 with a message saying what the limit is.

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;

beforeAll(async () => {
  app = await useAppStore("cairn_auth_body_limit");
  db = app.db;
});
afterAll(async () => {
  await app?.close();
});

/** An endless chunked body of 64 KB chunks that records how much of it was pulled. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

function post(path: string, b: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: BASE, ...headers }, body: b, duplex: "half" } as RequestInit);
}

describe("request body limits", () => {
  it("refuses a sign-in whose declared length is over 16 KB without reading it", async () => {
    const { stream, pulled } = endless();
    const res = await loginRoute.POST(post("/api/auth/login", stream, { "content-length": String(300 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    const b = await body(res);
    expect(b.error.code).toBe("payload-too-large");
    expect(b.error.message).toMatch(/larger than 16 KB, the most this endpoint accepts/);
    expect(pulled()).toBeLessThanOrEqual(2 * 64 * 1024);
  });

  it("refuses a chunked sign-in body once it passes 16 KB, having read little more than that", async () => {
    const { stream, pulled } = endless();
    const res = await loginRoute.POST(post("/api/auth/login", stream));
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThan(SIGN_IN_BODY_LIMIT + 3 * 64 * 1024);
    // A small body still signs in (the limit is not a refusal of everything).
    await signedIn(db, "viewer");
    const small = await loginRoute.POST(post("/api/auth/login", JSON.stringify({ email: "nobody@example.com", password: "x".repeat(100) })));
    expect(small.status).toBe(401);
  });

  it("limits JSON bodies of authenticated routes to 1 MB, chunked or not (admin users, tokens, projects)", async () => {
    const admin = await signedIn(db, "admin");
    const cookie = { cookie: `cairn_session=${admin.cookie}` };
    const big = JSON.stringify({ email: "big@example.com", password: "long enough password", name: "x".repeat(JSON_BODY_LIMIT) });
    const res = await usersRoute.POST(post("/api/admin/users", big, cookie), ctx({}));
    expect(res.status).toBe(413);
    expect((await body(res)).error.message).toMatch(/larger than 1 MB/);
    for (const call of [
      (s: ReadableStream<Uint8Array>) => usersRoute.POST(post("/api/admin/users", s, cookie), ctx({})),
      (s: ReadableStream<Uint8Array>) => myTokensRoute.POST(post("/api/tokens", s, cookie), ctx({})),
      (s: ReadableStream<Uint8Array>) => projectsRoute.POST(post("/api/projects", s, cookie), ctx({})),
    ]) {
      const { stream, pulled } = endless();
      const r = await call(stream);
      expect(r.status).toBe(413);
      expect(pulled()).toBeLessThan(JSON_BODY_LIMIT + 3 * 64 * 1024);
    }
    expect(await db.user.findUnique({ where: { email: "big@example.com" } })).toBeNull();
  });

  it("an anonymous request is refused before its body is read at all", async () => {
    const { stream, pulled } = endless();
    const res = await usersRoute.POST(post("/api/admin/users", stream), ctx({}));
    expect(res.status).toBe(401);
    expect(pulled()).toBeLessThanOrEqual(2 * 64 * 1024);
  });

  it("every route that takes a body reads it through the same limit (runs, sign-offs, plans)", async () => {
    const admin = await signedIn(db, "admin");
    const cookie = { cookie: `cairn_session=${admin.cookie}` };
    const run = ctx({ id: "no-such-run" });
    const env = ctx({ project: "no-such-project", env: "qa" });
    for (const [name, call] of [
      ["cancel", (s: ReadableStream<Uint8Array>) => cancelRunRoute.POST(post("/api/runs/x/cancel", s, cookie), run)],
      ["reject", (s: ReadableStream<Uint8Array>) => rejectRunRoute.POST(post("/api/runs/x/reject", s, cookie), run)],
      ["release", (s: ReadableStream<Uint8Array>) => releaseRunRoute.POST(post("/api/runs/x/release", s, cookie), run)],
      ["sign-off", (s: ReadableStream<Uint8Array>) => signOffsRoute.POST(post("/api/projects/p/signoffs", s, cookie), ctx({ project: "no-such-project" }))],
      ["plan", (s: ReadableStream<Uint8Array>) => planRoute.POST(post("/api/projects/p/envs/qa/runs/plan", s, cookie), env)],
    ] as const) {
      const { stream, pulled } = endless();
      const r = await call(stream);
      expect(r.status, name).toBe(413);
      expect(pulled(), name).toBeLessThan(JSON_BODY_LIMIT + 3 * 64 * 1024);
    }
  }, 20_000);
});
