// The revision DAG against the demo shop (qa at heads, staging at 46b8d0f2a44d, production at
// 0f7e6d5c4b3a), signed in as a viewer: reading the graph needs no more.
import { expect, test, type Page } from "@playwright/test";

test.use({ storageState: "test-results/.auth/viewer.json" });

const GRAPH = "/projects/shop/graph";
const node = (page: Page, id: string) => page.locator(`[data-testid="graph-node"][data-revision="${id}"]`);

const STAGING_PENDING = ["9a2c4e6b855e", "da5f7b9c166f", "2b4d6f8a977a", "8c1e3a5c7e90", "3d5f7b9d1fa1", "reporting_monthly_rollup_materialized", "6e8a0c2e4ab2"];
// What promoting staging to production applies: the carts feature branch, its merge, and on to 46b8d0f2a44d.
const STAGING_NOT_PRODUCTION = [
  "4d6e8f0a2b92",
  "9e1f3a5b7ca3",
  "7a1b9c3d5e70",
  "b3c5d7e9f181",
  "d2f4a6b8c0b4",
  "61a3c5e7f9c5",
  "f5b7d9e1a3d6",
  "38c0e2a4b6e7",
  "ac4e6a8c0ef8",
  "7b9d1f3a5c09",
  "c0e2a4c6e81a",
  "5f7b9d1f3a2b",
  "e1a3c5e7a93c",
  "46b8d0f2a44d",
];

/** Opens the graph; with `fit`, zooms out to the whole graph (only visible nodes are in the DOM). */
async function openGraph(page: Page, fit = true) {
  await page.goto(GRAPH);
  await expect(page.getByTestId("graph-canvas")).toBeVisible();
  await expect(page.locator('[data-testid="graph-node"]').first()).toBeVisible();
  if (fit) await page.getByRole("button", { name: "Fit the whole graph" }).click();
}

/** Search jumps to (centres, zooms to a readable scale and focuses) a revision. */
async function jump(page: Page, query: string) {
  const search = page.getByLabel("Find a revision by id prefix or message");
  await search.fill(query);
  await search.press("Enter");
}

test("the page hydrates over the server's markup: no hydration error, and the layout time shown is the browser's", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await openGraph(page, false);
  // Shown only once hydrated: the server's own layout time in the markup differed from the browser's (React error #418).
  await expect(page.getByText(/Layout [\d.]+ ms\./)).toBeVisible();
  expect(errors.filter((e) => /#418|#423|#425|hydrat/i.test(e))).toEqual([]);
});

test("environment markers sit on the revisions each environment is at", async ({ page }, testInfo) => {
  await openGraph(page, false);
  // the first view shows the newest revisions, readable: qa's markers on both heads
  await expect(node(page, "2b4d6f8a977a").locator('[data-env="qa"]')).toContainText("qa");
  await testInfo.attach("graph-page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  await page.getByRole("button", { name: "Fit the whole graph" }).click();
  await expect(node(page, "46b8d0f2a44d").locator('[data-env="staging"]')).toBeVisible();
  await expect(node(page, "0f7e6d5c4b3a").locator('[data-env="production"]')).toBeVisible();
  // qa is at both heads
  await expect(node(page, "2b4d6f8a977a").locator('[data-env="qa"]')).toBeVisible();
  await expect(node(page, "6e8a0c2e4ab2").locator('[data-env="qa"]')).toBeVisible();
  await expect(page.locator('[data-testid="graph-node"] [data-env="staging"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="graph-node"] [data-env="production"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="graph-node"] [data-env="qa"]')).toHaveCount(2);
  await expect(node(page, "0f7e6d5c4b3a").locator('[data-env="production"]')).toHaveAttribute("data-state", "behind");
  await testInfo.attach("graph-page-fitted", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
});

test("both labelled heads, the merge and the too-long id are on the picture", async ({ page }) => {
  await openGraph(page);
  await expect(page.locator('[data-testid="graph-node"][data-head="true"]')).toHaveCount(2);
  await expect(node(page, "2b4d6f8a977a")).toHaveAttribute("data-head", "true");
  await expect(node(page, "6e8a0c2e4ab2")).toHaveAttribute("data-head", "true");
  await expect(page.getByTestId("graph-heads")).toContainText("2 heads");
  await expect(page.getByTestId("graph-heads")).toContainText("reporting");
  // depends_on (reporting → orders, refunds rollup → refunds) is drawn, dashed, apart from parent edges
  await expect(page.locator('[data-edge-kind="depends"]')).toHaveCount(2);
  await expect(page.locator('[data-edge-kind="depends"]').first()).toHaveAttribute("stroke-dasharray", /\d/);
  await jump(page, "d2f4a6b8c0b4");
  await expect(node(page, "d2f4a6b8c0b4").locator('[data-tag="merge"]')).toBeVisible();
  await jump(page, "8c1e3a5c7e90");
  await expect(node(page, "8c1e3a5c7e90").locator('[data-tag="reporting"]')).toBeVisible();
  await jump(page, "reporting_monthly");
  await expect(node(page, "reporting_monthly_rollup_materialized").locator('[data-tag^="⚠"]')).toBeVisible();
});

test("selecting an environment highlights its pending path", async ({ page }) => {
  await openGraph(page);
  await page.getByTestId("env-toggle-staging").click();
  await expect(page.getByTestId("env-toggle-staging")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("graph-selection")).toContainText(`staging has ${STAGING_PENDING.length} pending`);
  const highlighted = page.locator('[data-testid="graph-node"][data-highlight="pending"]');
  await expect(highlighted).toHaveCount(STAGING_PENDING.length);
  const ids = await highlighted.evaluateAll((els) => els.map((e) => e.getAttribute("data-revision")));
  expect(ids.sort()).toEqual([...STAGING_PENDING].sort());
  await expect(node(page, "46b8d0f2a44d")).not.toHaveAttribute("data-highlight", /.*/);
});

test("selecting two environments shows what promoting one to the other applies", async ({ page }) => {
  await openGraph(page);
  // clicking the markers on the picture selects too
  await node(page, "46b8d0f2a44d").locator('[data-env="staging"]').click();
  await node(page, "0f7e6d5c4b3a").locator('[data-env="production"]').click();
  await expect(page.getByTestId("graph-selection")).toContainText("Promoting staging to production would apply 14 revision(s)");
  const listed = await page
    .getByTestId("selection-list")
    .locator("li")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-revision")));
  expect([...listed].sort()).toEqual([...STAGING_NOT_PRODUCTION].sort());
  // in the order Alembic applies them: parents before children
  const at = (id: string) => listed.indexOf(id);
  expect(at("4d6e8f0a2b92")).toBeLessThan(at("9e1f3a5b7ca3"));
  expect(at("7a1b9c3d5e70")).toBeLessThan(at("b3c5d7e9f181"));
  expect(at("d2f4a6b8c0b4")).toBeGreaterThan(Math.max(at("9e1f3a5b7ca3"), at("b3c5d7e9f181")));
  expect(at("46b8d0f2a44d")).toBe(listed.length - 1);
  const highlighted = await page.locator('[data-testid="graph-node"][data-highlight="between"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-revision")));
  expect(highlighted.sort()).toEqual([...STAGING_NOT_PRODUCTION].sort());
});

test("the side panel shows a revision with its highlighted source", async ({ page }) => {
  await openGraph(page);
  await jump(page, "merge carts");
  await node(page, "d2f4a6b8c0b4").click();
  const panel = page.getByTestId("revision-panel");
  await expect(panel).toContainText("merge carts feature into main");
  await expect(panel.getByTestId("revision-path")).toHaveText("alembic/versions/2026_05_18_1028-d2f4a6b8c0b4_merge_carts_feature_into_main.py");
  await expect(panel.getByRole("button", { name: "9e1f3a5b7ca3" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "b3c5d7e9f181" })).toBeVisible();
  await expect(panel.getByTestId("revision-applied-in").locator('[data-env="staging"]')).toHaveAttribute("data-applied", "true");
  await expect(panel.getByTestId("revision-applied-in").locator('[data-env="production"]')).toHaveAttribute("data-applied", "false");
  const source = panel.getByTestId("revision-source");
  await expect(source).toContainText("down_revision");
  await expect(source.locator(".hljs-keyword").first()).toBeVisible();
  await expect(source.locator(".hljs-string").first()).toBeVisible();
  // parents are clickable and move the panel
  await panel.getByRole("button", { name: "b3c5d7e9f181" }).click();
  await expect(page.getByTestId("revision-panel")).toContainText("create cart items table");
});

test("keyboard: arrows follow parents and children, Enter opens the panel", async ({ page }) => {
  await openGraph(page);
  await jump(page, "46b8d0f2a44d");
  await expect(node(page, "46b8d0f2a44d")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(node(page, "9a2c4e6b855e")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(node(page, "e1a3c5e7a93c")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("revision-panel")).toContainText("add total to orders");
});

test("search jumps to a revision; the list view carries the same facts", async ({ page }) => {
  await openGraph(page);
  await page.getByLabel("Find a revision by id prefix or message").fill("coupon to");
  await page.getByLabel("Find a revision by id prefix or message").press("Enter");
  await expect(node(page, "ac4e6a8c0ef8")).toHaveAttribute("data-search-hit", "true");
  await expect(node(page, "ac4e6a8c0ef8")).toBeFocused();

  await page.getByRole("button", { name: "Show as a list" }).click();
  const table = page.getByTestId("revision-table");
  await expect(table.locator("tbody tr[data-revision]")).toHaveCount(31);
  await expect(table.locator('tr[data-revision="46b8d0f2a44d"]')).toContainText("staging");
  await expect(table.locator('tr[data-revision="reporting_monthly_rollup_materialized"]')).toContainText("characters");
});

test("lint per revision: loaded after the graph is drawn, a badge on the node, the findings in the side panel", async ({ page }) => {
  // Hold the lint answer: the graph must be drawn and usable without it.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/api/projects/shop/lint", async (route) => {
    await held;
    await route.continue();
  });
  await openGraph(page);
  await jump(page, "4d6e8f0a2b92");
  await expect(node(page, "4d6e8f0a2b92")).toBeVisible();
  await expect(node(page, "4d6e8f0a2b92").locator('[data-tag^="lint"]')).toHaveCount(0);
  await node(page, "4d6e8f0a2b92").click();
  const panel = page.getByTestId("revision-panel");
  await expect(panel.getByTestId("revision-lint")).toContainText("Linting the migrations…");
  // The graph's answer is the badges (counts and rules); the panel asks for its one revision's findings.
  const badges = page.waitForResponse((r) => r.url().endsWith("/api/projects/shop/lint"));
  const findings = page.waitForRequest((r) => r.url().endsWith("/api/projects/shop/lint?revision=4d6e8f0a2b92"), { timeout: 60_000 });
  release();
  expect(await (await badges).text()).not.toMatch(/"(message|fix)"/);
  await findings;

  // Its batch-mode CHECK cannot be rendered offline (linted against its own parent, alone).
  await expect(node(page, "4d6e8f0a2b92").locator('[data-tag="lint 1"]')).toBeVisible({ timeout: 60_000 });
  await expect(node(page, "4d6e8f0a2b92").locator('[data-tag="lint 1"] title')).toContainText("preview-unavailable");
  await expect(panel.getByTestId("revision-lint").locator('[data-lint-rule="preview-unavailable"]')).toContainText("Safe pattern:");

  // A merge holds no SQL: no badge, and the panel says there is nothing.
  await jump(page, "merge carts");
  await expect(node(page, "d2f4a6b8c0b4").locator('[data-tag^="lint"]')).toHaveCount(0);
  await node(page, "d2f4a6b8c0b4").click();
  await expect(page.getByTestId("revision-panel").getByTestId("revision-lint")).toContainText("No finding");
});
