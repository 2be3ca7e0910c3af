// Migration lint in the run dialog (issue 14), on the demo shop: production (0f7e6d5c4b3a, protected)
// promoting from staging (46b8d0f2a44d). Lint runs inside the server from the SQL the preview
// rendered; the path's two SQLite batch migrations cannot be rendered offline, which lint lists
// while the gate leaves them to the SQL preview gate.
import { expect, test } from "@playwright/test";

test("the run dialog lists the path's lint findings and the lint gate's verdict", async ({ browser }) => {
  const context = await browser.newContext({ storageState: "test-results/.auth/alice.json" });
  const page = await context.newPage();
  await page.goto("/projects/shop/envs/production");
  await page.getByRole("button", { name: "Promote from staging" }).click();
  const dialog = page.getByRole("dialog");
  const gate = dialog.locator('[data-gate="lint"]');
  await expect(gate).toBeVisible({ timeout: 30_000 });
  await expect(gate).toHaveAttribute("data-verdict", "pass");
  await expect(gate).toContainText("No open lint finding on this path.");

  const section = dialog.getByTestId("lint-findings");
  await expect(section.getByRole("heading")).toHaveText("Lint: 2 findings");
  const rows = section.locator("[data-lint-rule]");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute("data-lint-rule", "preview-unavailable");
  await expect(rows.first()).toContainText("2026_04_30_1454-4d6e8f0a2b92_add_order_status_check.py:19");
  await expect(rows.first()).toContainText("Safe pattern: Rehearse the run on a copy");
  await context.close();
});
