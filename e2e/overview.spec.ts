import { test, expect } from "@playwright/test";

// The overview on the demo's real databases: qa at heads, staging behind with a branch pending,
// production further behind. Read-only, so it runs as a viewer.
test.use({ storageState: "test-results/.auth/viewer.json" });

test("health answers without sign-in and reveals no secrets", async ({ request }) => {
  const res = await request.get("/api/health", { headers: { cookie: "" } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ ok: true, store: "embedded" });
  expect(JSON.stringify(body)).not.toMatch(/password|secret|sqlite:|postgres/i);
});

test("the overview shows where each environment stands", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  const shop = page.getByTestId("project-shop");
  const qa = shop.getByTestId("env-qa");
  const staging = shop.getByTestId("env-staging");
  const production = shop.getByTestId("env-production");

  await expect(qa.locator("[data-state]")).toHaveAttribute("data-state", "current");
  await expect(qa).toContainText("2b4d6f8a977a");
  await expect(qa).toContainText("6e8a0c2e4ab2");
  // qa already holds the 37-character id its VARCHAR(32) column should not have accepted (SQLite).
  await expect(qa.getByTestId("too-long")).toContainText("recorded here although longer than");

  await expect(staging.locator("[data-state]")).toHaveAttribute("data-state", "behind");
  await expect(staging).toContainText("46b8d0f2a44d");
  await expect(staging).toContainText("7 pending");
  // The page carries counts and the first few ids; the whole list is fetched when opened.
  await expect(staging.getByTestId("pending-list")).toHaveCount(0);
  const listRequest = page.waitForResponse((r) => r.url().endsWith("/api/projects/shop/envs/staging/pending") && r.ok());
  await staging.getByText("7 pending").click();
  await listRequest;
  await expect(staging.getByTestId("pending-list").locator("li")).toHaveCount(7);
  await expect(staging).toContainText("create daily sales rollup");
  await expect(staging.getByTestId("too-long")).toContainText("Widen the column");

  await expect(production.locator("[data-state]")).toHaveAttribute("data-state", "behind");
  await expect(production).toContainText("protected");
  await expect(production).toContainText("21 pending");
  await production.getByText("21 pending").click();
  await expect(production.getByTestId("pending-list").locator("li")).toHaveCount(21);
  // In promotion order: nothing is ahead of its predecessor, and no run has failed here yet.
  await expect(shop.getByTestId("ahead")).toHaveCount(0);
  await expect(shop.getByTestId("last-run-problem")).toHaveCount(0);

  await expect(shop.getByTestId("freshness")).toContainText(/Checked|Checking/);
  await testInfo.attach("overview", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
});

test("the status poll sends counts and first ids, not every pending revision", async ({ request }) => {
  const res = await request.get("/api/projects/shop/status");
  expect(res.status()).toBe(200);
  const body = await res.json();
  const production = body.environments.find((e: { name: string }) => e.name === "production");
  expect(production).toMatchObject({ pendingCount: 21 });
  expect(production.pendingFirst.length).toBeLessThan(21);
  expect(production).not.toHaveProperty("pending");
});

test("a viewer sees the environment page but no action that would change it", async ({ page }) => {
  await page.goto("/projects/shop/envs/staging");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("staging");
  await expect(page.getByRole("button", { name: /Promote from|Upgrade to heads/ })).toHaveCount(0);
});
