import { test, expect } from "@playwright/test";
import { GATES } from "@/lib/gates/evaluate-gates";

// A migration that fails halfway (the e2e-only "lab" project: f6 creates a table, then fails on a
// missing one). Cairn must report it plainly: failed, the error's tail, the real state re-read, the
// environment free for the next run.
test.use({ storageState: "test-results/.auth/alice.json" });

test("a failing migration is reported with its error, and the environment is left usable", async ({ page }, testInfo) => {
  await page.goto("/projects/lab/envs/qa");
  await page.getByLabel("Search revisions by id prefix or message").fill("f6");
  await page.getByLabel("Target revision").selectOption("f6");
  await page.getByRole("button", { name: "Upgrade to f6" }).click();

  const dialog = page.getByRole("dialog");
  await expect(dialog.locator("[data-gate]")).toHaveCount(GATES.length, { timeout: 30_000 });
  await expect(dialog.getByTestId("run-path")).toContainText("f6");
  await dialog.getByRole("button", { name: /now$/ }).click();

  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.locator('[data-run-status="failed"]').first()).toBeVisible({ timeout: 60_000 });
  const tail = page.getByTestId("error-tail");
  await expect(tail).toBeVisible();
  await expect(tail).toContainText(/no such table/i);
  await testInfo.attach("failed-run", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // The overview says so beside the environment, linking to the run.
  const runUrl = page.url();
  await page.goto("/");
  const problem = page.getByTestId("project-lab").getByTestId("env-qa").getByTestId("last-run-problem");
  await expect(problem).toContainText("last run failed");
  expect(new URL(runUrl).pathname).toBe(await problem.getAttribute("href"));

  // The lock is released and the state re-read: qa still stands at h8, and a new plan can be made.
  await page.goto("/projects/lab/envs/qa");
  await expect(page.getByText("h8").first()).toBeVisible();
  await page.getByRole("button", { name: "Upgrade to heads" }).click();
  await expect(page.getByRole("dialog").locator("[data-gate]")).toHaveCount(GATES.length, { timeout: 30_000 });
});
