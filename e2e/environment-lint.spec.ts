// The environment page's lint summary of its pending path (issue 14), on the demo shop: production
// (protected) has the two SQLite batch migrations pending that cannot be rendered offline.
import { expect, test } from "@playwright/test";

test("the environment page summarises lint of its pending migrations and links to the details", async ({ browser }) => {
  const context = await browser.newContext({ storageState: "test-results/.auth/alice.json" });
  const page = await context.newPage();
  await page.goto("/projects/shop/envs/production");
  const pending = await page.getByTestId("pending-revisions").locator("li").count();
  expect(pending).toBeGreaterThan(0);
  const section = page.getByTestId("pending-lint");
  await expect(section.getByRole("heading")).toContainText("Lint of the pending path:", { timeout: 30_000 });
  const rows = section.locator("[data-lint-rule]");
  await expect(rows.first()).toBeVisible();
  await expect(section).toContainText("preview-unavailable");
  await section.getByRole("link", { name: "graph" }).click();
  await expect(page).toHaveURL(/\/projects\/shop\/graph$/);
  await context.close();
});
