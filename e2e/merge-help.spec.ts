// Merge help (issue 17) in the real server and browser: an unlabelled revision added to the e2e "lab"
// project (tests/fixtures/runner-project: heads f6 [broken] and h8 [reports]) makes a third head;
// a viewer opens Merge help on the graph's problems banner and gets the command, the file the
// project's real Alembic wrote into a temporary copy, and a preview with one head — and the
// project's versions directory is left exactly as it was.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const VERSIONS = path.resolve("test-results/e2e-store/demo/lab-project/versions");
const EXTRA = path.join(VERSIONS, "x9_unlabelled_head.py");

test.use({ storageState: "test-results/.auth/viewer.json" });

test.beforeAll(() => {
  fs.writeFileSync(EXTRA, `"""an unlabelled head"""\nrevision = "x9"\ndown_revision = "b2"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`);
});
test.afterAll(() => fs.rmSync(EXTRA, { force: true }));

const listing = () =>
  fs
    .readdirSync(VERSIONS)
    .filter((n) => n.endsWith(".py"))
    .sort()
    .map((n) => `${n}:${fs.readFileSync(path.join(VERSIONS, n), "utf8").length}`);

test("a viewer gets the merge of the unlabelled heads, written in a copy and previewed with one head", async ({ page }) => {
  const before = listing();
  await page.goto("/projects/lab/graph");
  await expect(page.getByTestId("graph-heads")).toContainText("3 heads");
  await page.getByTestId("merge-help-toggle").click();
  const panel = page.getByTestId("merge-help");
  await expect(panel.getByTestId("merge-help-command")).toContainText(/alembic merge -m "merge \w+, \w+ and \w+" \w+ \w+ \w+/);
  const file = panel.getByTestId("merge-help-file");
  await expect(file).toContainText("down_revision = (");
  for (const head of ["f6", "h8", "x9"]) await expect(file).toContainText(`'${head}'`);
  await expect(panel.getByTestId("merge-help-preview")).toContainText("After the merge: one head");
  await expect(panel.getByRole("button", { name: "Copy command" })).toBeVisible();
  const download = page.waitForEvent("download");
  await panel.getByRole("button", { name: "Download" }).click();
  expect((await download).suggestedFilename()).toMatch(/^[0-9a-f]{12}_merge_\w+\.py$/);
  expect(listing()).toEqual(before);
});
