// The graph zoomed out (issue 15): on a generated 330-revision project with 12 merges (registered by
// an admin through the API, like any project), Fit shows the whole graph with its head, merges and
// branch points still labelled at a readable size, the minimap moves the view, and search centres
// the revision it finds — also one inside a collapsed run. On the demo shop, an environment marker
// stays labelled when zoomed out.
import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });
test.use({ storageState: "test-results/.auth/admin.json" });

const DIR = path.resolve("test-results/e2e-store/demo/lod-project");
const id = (i: number) => `lod${String(i).padStart(9, "0")}`;
const MERGES = 12;
let total = 0;
/** Oldest first: a trunk whose every 25th step forks into two arms (1–2 revisions) and merges them. */
function generate() {
  fs.rmSync(DIR, { recursive: true, force: true });
  const versions = path.join(DIR, "migrations", "versions");
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(DIR, "alembic.ini"), "[alembic]\nscript_location = %(here)s/migrations\n");
  fs.writeFileSync(path.join(DIR, "migrations", "env.py"), "# never run\n");
  let i = 0;
  const write = (down: string[]) => {
    const rev = id(i++);
    const downPy = down.length === 0 ? "None" : down.length === 1 ? `'${down[0]}'` : `(${down.map((d) => `'${d}'`).join(", ")})`;
    fs.writeFileSync(path.join(versions, `${rev}.py`), `"""step ${i}"""\nrevision = '${rev}'\ndown_revision = ${downPy}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`);
    return rev;
  };
  let head = write([]);
  for (let m = 0; m < MERGES; m++) {
    for (let k = 0; k < 22; k++) head = write([head]);
    let a = head;
    let b = head;
    for (let k = 0; k < 1 + (m % 2); k++) a = write([a]);
    b = write([b]);
    head = write([a, b]);
  }
  for (let k = 0; k < 5; k++) head = write([head]);
  total = i;
}

const canvasCentre = async (page: Page) => {
  const b = (await page.getByTestId("graph-canvas").boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};
const nodeCentre = async (page: Page, rev: string) => {
  const b = await page.locator(`[data-testid="graph-node"][data-revision="${rev}"] > rect`).first().boundingBox();
  return b ? { x: b.x + b.width / 2, y: b.y + b.height / 2 } : { x: Infinity, y: Infinity };
};
async function jump(page: Page, query: string) {
  const search = page.getByLabel("Find a revision by id prefix or message");
  await search.fill(query);
  await search.press("Enter");
}

const BASE = `http://127.0.0.1:${process.env.CAIRN_E2E_PORT ?? 3100}`;
let admin: APIRequestContext;
test.beforeAll(async () => {
  generate();
  admin = await playwrightRequest.newContext({ baseURL: BASE, storageState: "test-results/.auth/admin.json", extraHTTPHeaders: { Origin: BASE } });
  const r = await admin.post("/api/projects", { data: { name: "lod", alembicPath: path.join(DIR, "alembic.ini") } });
  expect(r.status(), await r.text()).toBe(201);
});
test.afterAll(async () => {
  await admin.delete("/api/projects/lod");
  await admin.dispose();
  fs.rmSync(DIR, { recursive: true, force: true });
});

test("zoomed out, the head, merges and branch points stay labelled and the minimap moves the view", async ({ page }, testInfo) => {
  await page.goto("/projects/lod/graph");
  await expect(page.locator('[data-testid="graph-node"]').first()).toBeVisible();
  await page.getByRole("button", { name: "Fit the whole graph" }).click();
  const head = page.locator('[data-testid="graph-label"][data-kinds~="head"]');
  await expect(head).toHaveCount(1);
  await expect(head).toContainText(`${id(total - 1)} · head`);
  // a label is drawn at screen size, not scaled down with the graph
  expect((await head.locator("text").boundingBox())!.height).toBeGreaterThanOrEqual(10);
  expect(await page.locator('[data-testid="graph-label"][data-kinds~="merge"]').count()).toBeGreaterThanOrEqual(3);
  expect(await page.locator('[data-testid="graph-label"][data-kinds~="branch"]').count()).toBeGreaterThanOrEqual(3);
  await testInfo.attach("graph-fitted", { body: await page.screenshot(), contentType: "image/png" });

  // zoomed in at the top, a click low on the minimap brings the oldest revisions into view
  for (let k = 0; k < 12; k++) await page.getByRole("button", { name: "Zoom in" }).click();
  await jump(page, id(total - 1));
  const viewport = page.getByTestId("graph-minimap-viewport");
  await expect(viewport).toBeVisible();
  const y0 = Number(await viewport.getAttribute("y"));
  const map = (await page.getByTestId("graph-minimap").boundingBox())!;
  const [, , w, h] = (await page.getByTestId("graph-minimap").getAttribute("viewBox"))!.split(" ").map(Number) as [number, number, number, number];
  await expect(page.locator(`[data-testid="graph-node"][data-revision="${id(0)}"]`)).toHaveCount(0);
  // the graph is drawn scaled into the strip from its top: click at 99 % of its height
  const scale = Math.min(map.width / w, map.height / h);
  await page.mouse.click(map.x + map.width / 2, map.y + 0.99 * h * scale);
  await expect.poll(async () => Number(await viewport.getAttribute("y"))).toBeGreaterThan(y0 + 0.8 * h);
  await expect(page.locator(`[data-testid="graph-node"][data-revision="${id(0)}"]`)).toBeVisible();
});

test("search centres the revision it finds, inside a collapsed run too", async ({ page }) => {
  await page.goto("/projects/lod/graph");
  await page.getByRole("button", { name: "Fit the whole graph" }).click();
  // the middle of the third trunk run: collapsed until found
  const inRun = id(2 * 26 + 12);
  await expect(page.locator(`[data-testid="graph-node"][data-revision="${inRun}"]`)).toHaveCount(0);
  for (const rev of [inRun, id(total - 1)]) {
    await jump(page, rev);
    const node = page.locator(`[data-testid="graph-node"][data-revision="${rev}"]`);
    await expect(node).toHaveAttribute("data-search-hit", "true");
    await expect(node).toBeFocused();
    const c = await canvasCentre(page);
    await expect.poll(async () => Math.hypot((await nodeCentre(page, rev)).x - c.x, (await nodeCentre(page, rev)).y - c.y)).toBeLessThan(20);
  }
});

test.describe("the demo shop", () => {
  test.use({ storageState: "test-results/.auth/viewer.json" });
  test("an environment marker keeps its label zoomed out", async ({ page }) => {
    await page.goto("/projects/shop/graph");
    await expect(page.locator('[data-testid="graph-node"]').first()).toBeVisible();
    for (let k = 0; k < 10; k++) await page.getByRole("button", { name: "Zoom out" }).click();
    await expect(page.locator('[data-testid="graph-label"][data-label-for="46b8d0f2a44d"]')).toContainText("staging");
    await expect(page.locator('[data-testid="graph-label"][data-label-for="0f7e6d5c4b3a"]')).toContainText("production");
  });
});
