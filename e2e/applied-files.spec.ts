// Issue 17, applied-file checksums: the e2e "lab" project's qa was migrated to h8 by Alembic outside Cairn
// (scripts/demo-environments.mjs). The overview records the hashes of its applied files the first time it sees
// them; once e5's file is edited, the overview and the graph say that qa did not get the change.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

test.use({ storageState: "test-results/.auth/viewer.json" });

const E5 = path.resolve("test-results/e2e-store/demo/lab-project/versions/e5_seed_statuses.py");

test("a migration edited after it was applied is flagged on the overview and the graph", async ({ page }, testInfo) => {
  await page.goto("/");
  const lab = page.getByTestId("project-lab");
  await expect(lab.getByTestId("env-qa")).toBeVisible();
  // The streamed summaries have arrived once the document has loaded: Cairn has now seen qa's revisions applied,
  // and nothing is flagged yet.
  await expect(page.getByText("Checking schemas for drift…")).toHaveCount(0);
  await expect(lab.getByTestId("edited-files-summary")).toHaveCount(0);

  const original = fs.readFileSync(E5);
  fs.appendFileSync(E5, "\n# edited after it was applied\n");
  try {
    const day = new Date().toISOString().slice(0, 10);
    await page.reload();
    const summary = page.getByTestId("project-lab").getByTestId("edited-files-summary");
    await expect(summary).toContainText(`e5 (versions/e5_seed_statuses.py) was edited after Cairn first saw it applied to qa on ${day} — the database did not get this change.`, { timeout: 30_000 });
    await testInfo.attach("overview", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await page.goto("/projects/lab/graph");
    await expect(page.getByTestId("edited-files-summary")).toContainText("e5 (versions/e5_seed_statuses.py) was edited after Cairn first saw it applied to qa", { timeout: 30_000 });
  } finally {
    fs.writeFileSync(E5, original);
  }
});
