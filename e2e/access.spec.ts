import { test, expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";

// Every mutating endpoint refuses an anonymous request (401) and an under-privileged one (403),
// and a revoked API token stops working at once. Requests carry a same-origin Origin header so a
// refusal is the role check's, not the cross-origin check's (the tests assert which one it was).

const BASE = `http://127.0.0.1:${process.env.CAIRN_E2E_PORT ?? 3100}`;
const ID = "00000000-0000-4000-8000-000000000000";

/** [method, path, roles allowed] for every route that changes something. */
const MUTATING: [string, string, string[]][] = [
  ["POST", "/api/projects/shop/envs/qa/runs/plan", ["release_manager", "admin"]],
  ["POST", "/api/projects/shop/envs/qa/runs", ["release_manager", "admin"]],
  ["POST", `/api/runs/${ID}/approve`, ["release_manager", "admin"]],
  ["POST", `/api/runs/${ID}/reject`, ["release_manager", "admin"]],
  ["POST", `/api/runs/${ID}/cancel`, ["release_manager", "admin"]],
  ["POST", "/api/projects/shop/signoffs", ["qa", "admin"]],
  ["POST", `/api/projects/shop/signoffs/${ID}/revoke`, ["qa", "admin"]],
  ["POST", "/api/projects/shop/envs/qa/baseline", ["release_manager", "admin"]],
  ["POST", "/api/projects/shop/envs/qa/alembic-check", ["qa", "release_manager", "admin"]],
  ["POST", "/api/projects/shop/envs/qa/schema-reading", ["qa", "release_manager", "admin"]],
  ["POST", "/api/projects/shop/envs/qa/rehearsals", ["qa", "release_manager", "admin"]],
  ["POST", "/api/admin/users", ["admin"]],
  ["PATCH", `/api/admin/users/${ID}`, ["admin"]],
  ["POST", `/api/admin/users/${ID}/password`, ["admin"]],
  ["POST", "/api/tokens", ["viewer", "qa", "release_manager", "admin"]],
  ["DELETE", `/api/tokens/${ID}`, ["viewer", "qa", "release_manager", "admin"]],
  ["DELETE", `/api/admin/tokens/${ID}`, ["admin"]],
  ["POST", "/api/projects/shop/lint/acknowledgements", ["admin"]],
  ["DELETE", `/api/projects/shop/lint/acknowledgements/${ID}`, ["admin"]],
  ["POST", "/api/projects/shop/webhooks", ["admin"]],
  ["DELETE", `/api/projects/shop/webhooks/${ID}`, ["admin"]],
  ["POST", `/api/projects/shop/webhooks/${ID}/test`, ["admin"]],
];

const USERS = { viewer: "viewer", qa: "qa", release_manager: "alice" } as const;

async function as(user: string | null): Promise<APIRequestContext> {
  return playwrightRequest.newContext({
    baseURL: BASE,
    storageState: user ? `test-results/.auth/${user}.json` : undefined,
    extraHTTPHeaders: { Origin: BASE },
  });
}

test("every mutating endpoint refuses an anonymous request with 401", async () => {
  const anon = await as(null);
  for (const [method, path] of MUTATING) {
    const res = await anon.fetch(path, { method, data: {} });
    expect(res.status(), `${method} ${path}`).toBe(401);
    expect((await res.json()).error.code, `${method} ${path}`).toBe("unauthenticated");
  }
  await anon.dispose();
});

test("every mutating endpoint refuses an under-privileged role with 403, by role", async () => {
  for (const [role, user] of Object.entries(USERS)) {
    const ctx = await as(user);
    for (const [method, path, allowed] of MUTATING) {
      if (allowed.includes(role)) continue;
      const res = await ctx.fetch(path, { method, data: {} });
      expect(res.status(), `${role}: ${method} ${path}`).toBe(403);
      const body = await res.json();
      expect(body.error.message, `${role}: ${method} ${path}`).toMatch(/^Your role \(/);
    }
    await ctx.dispose();
  }
});

test("a signed-in request from another site is refused even for an admin", async () => {
  const ctx = await playwrightRequest.newContext({
    baseURL: BASE,
    storageState: "test-results/.auth/admin.json",
    extraHTTPHeaders: { Origin: "https://evil.example" },
  });
  const res = await ctx.post("/api/admin/users", { data: { email: "mallory@example.com", password: "long-enough-password", role: "admin" } });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toMatch(/another site/);
  await ctx.dispose();
});

test("an API token works for what its scope allows, and stops working the moment it is revoked", async () => {
  const admin = await as("admin");
  const created = await admin.post("/api/tokens", { data: { name: "e2e-ci", scopes: ["status:read"] } });
  expect(created.status()).toBe(201);
  const { token, summary } = await created.json();
  expect(token).toMatch(/^cairn_/);

  const bot = await playwrightRequest.newContext({ baseURL: BASE, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  expect((await bot.get("/api/projects/shop/status")).status()).toBe(200);
  // status:read does not let it act
  expect((await bot.post("/api/projects/shop/envs/qa/runs/plan", { data: { kind: "upgrade", target: "heads" } })).status()).toBe(403);

  expect((await admin.delete(`/api/admin/tokens/${summary.id}`)).status()).toBeLessThan(300);
  expect((await bot.get("/api/projects/shop/status")).status()).toBe(401);
  await bot.dispose();
  await admin.dispose();
});

test("pages send an anonymous visitor to the sign-in page, and the API never serves secrets to a viewer", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  const viewer = await as("viewer");
  const body = await (await viewer.get("/api/projects/shop/status")).text();
  expect(body).not.toMatch(/sqlite:\/\/|postgres(ql)?:\/\//);
  await viewer.dispose();
});
