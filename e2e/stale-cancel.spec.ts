// Issue 12, "Requests are unique and fresh": on the e2e "lab" project's protected environment
// "guarded" (an empty SQLite file, see scripts/demo-environments.mjs), a second request is refused while one awaits
// approval; when the environment is moved outside Cairn (real Alembic in a terminal, as it were) the
// waiting request is shown stale and cannot be approved; requests are withdrawn by their requester or
// cancelled by an admin, with a reason, and nobody else; a no-op plan cannot be submitted.
import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const DEMO_DIR = path.resolve("test-results/e2e-store/demo");
const LAB_DIR = path.join(DEMO_DIR, "lab-project");
const ENV = "guarded";
const DB_FILE = path.join(DEMO_DIR, "lab-guarded.db");
const ENV_PAGE = `/projects/lab/envs/${ENV}`;
// Debian's python has Alembic (the python3 first on PATH may not).
const ALEMBIC = (process.env.CAIRN_E2E_ALEMBIC ?? "/usr/bin/python3 -m alembic").split(" ");

async function as(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: `test-results/.auth/${user}.json` });
  return context.newPage();
}

const origin = (page: Page) => ({ origin: new URL(page.url() === "about:blank" ? "http://127.0.0.1" : page.url()).origin });
const dialog = (page: Page) => page.getByRole("dialog");

function sqliteRevisions(): string[] {
  const db = new Database(DB_FILE, { readonly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'").get();
    return table ? (db.prepare("SELECT version_num AS v FROM alembic_version").all() as { v: string }[]).map((r) => r.v) : [];
  } finally {
    db.close();
  }
}

/** Moves the environment outside Cairn, with real Alembic. */
function alembic(...args: string[]) {
  const r = spawnSync(ALEMBIC[0]!, [...ALEMBIC.slice(1), ...args], { cwd: LAB_DIR, env: { ...process.env, DATABASE_URL: `sqlite:///${DB_FILE}` }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

/** Opens the run dialog for an upgrade to `target` on the guarded environment and waits for the plan. */
async function openUpgrade(page: Page, target: string) {
  await page.goto(ENV_PAGE);
  await page.getByLabel("Search revisions by id prefix or message").fill(target);
  await page.getByLabel("Target revision").selectOption(target);
  await page.getByRole("button", { name: `Upgrade to ${target}` }).click();
  await expect(dialog(page).locator("[data-gate]").first()).toBeVisible({ timeout: 30_000 });
}

/** Requests an upgrade through the dialog (typed confirmation given); returns the new run's id. */
async function requestUpgrade(page: Page, target: string): Promise<string> {
  await openUpgrade(page, target);
  await dialog(page).getByLabel(`Type “${ENV}” to confirm`).fill(ENV);
  const submit = dialog(page).getByRole("button", { name: "Request approval" });
  await expect(submit).toBeEnabled({ timeout: 30_000 });
  await submit.click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.locator('[data-run-status="awaiting_approval"]').first()).toBeVisible();
  return page.url().split("/").pop()!;
}

test.beforeAll(async ({ browser }) => {
  // The demo starts it empty; nothing else in the suite touches it.
  expect(sqliteRevisions()).toEqual([]);
  // QA verified a1..e5 on lab's qa, so the sign-off gate passes for the upgrades below.
  const qa = await as(browser, "qa");
  await qa.goto("/");
  const signed = await qa.request.post("/api/projects/lab/signoffs", { headers: origin(qa), data: { environment: "qa", toRevision: "e5", note: "e2e stale-cancel" } });
  expect(signed.ok(), await signed.text()).toBe(true);
  await qa.context().close();
});

test("a second request is refused while one waits; once the environment moves the request is stale and cannot be approved", async ({ browser }, testInfo) => {
  const alice = await as(browser, "alice");
  const runId = await requestUpgrade(alice, "b2");

  // One open request per environment: the dialog says which run is open and who asked.
  await openUpgrade(alice, "c3");
  await dialog(alice).getByLabel(`Type “${ENV}” to confirm`).fill(ENV);
  const submit = dialog(alice).getByRole("button", { name: "Request approval" });
  await expect(submit).toBeEnabled({ timeout: 30_000 });
  await submit.click();
  const refusal = dialog(alice).getByRole("alert");
  await expect(refusal).toContainText(`${ENV} already has an open request: run ${runId} (upgrade to b2, from base), awaiting approval, requested by alice@cairn.local`);
  await testInfo.attach("second-request-refused", { body: await alice.screenshot({ fullPage: true }), contentType: "image/png" });

  // Someone upgrades the database from a terminal.
  alembic("upgrade", "a1");

  const bob = await as(browser, "bob");
  await bob.goto(`/runs/${runId}`);
  await expect(bob.locator('[data-run-status="stale"]').first()).toBeVisible();
  await expect(bob.getByTestId("stale-explanation")).toContainText(`${ENV} moved from base to a1 after this was requested; request again.`);
  await expect(bob.getByRole("button", { name: "Approve and run" })).toHaveCount(0);
  await testInfo.attach("stale-run", { body: await bob.screenshot({ fullPage: true }), contentType: "image/png" });
  // Not through the API either, and the attempt is answered with where it moved.
  const approve = await bob.request.post(`/api/runs/${runId}/approve`, { headers: origin(bob), data: {} });
  expect(approve.status()).toBe(409);
  expect((await approve.json()).error.message).toMatch(new RegExp(`^${ENV} moved from base to a1 after this was requested; request again\\.`));

  // Listed as stale with the reason, not as awaiting approval.
  await bob.goto("/runs");
  await expect(bob.getByTestId("awaiting-approval").getByTestId(`run-${runId}`)).toHaveCount(0);
  const row = bob.getByTestId(`run-${runId}`).first();
  await expect(row.locator('[data-run-status="stale"]')).toBeVisible();
  await expect(row).toContainText(`${ENV} moved after it was requested; request again.`);
});

test("a request is withdrawn by its requester or cancelled by an admin, with a reason; nobody else may", async ({ browser }, testInfo) => {
  const alice = await as(browser, "alice");
  // The stale request is not open any more: a new one is accepted.
  const runId = await requestUpgrade(alice, "b2");

  const bob = await as(browser, "bob");
  await bob.goto(`/runs/${runId}`);
  await expect(bob.getByRole("button", { name: "Approve and run" })).toBeVisible();
  await expect(bob.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  const refused = await bob.request.post(`/api/runs/${runId}/cancel`, { headers: origin(bob), data: { reason: "not mine to cancel" } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toMatch(/Only an admin or alice@cairn\.local who requested it may cancel it/);

  await alice.goto(`/runs/${runId}`);
  const cancel = alice.getByRole("button", { name: "Cancel run" });
  await expect(cancel).toBeDisabled();
  await alice.getByLabel("Reason to cancel").fill("wrong target, b3 is next");
  await cancel.click();
  await expect(alice.locator('[data-run-status="cancelled"]').first()).toBeVisible();
  await expect(alice.getByTestId("cancelled-by")).toContainText("Cancelled by alice@cairn.local");
  await expect(alice.getByTestId("cancelled-by")).toContainText("wrong target, b3 is next");
  await testInfo.attach("withdrawn", { body: await alice.screenshot({ fullPage: true }), contentType: "image/png" });

  // An admin cancels someone else's waiting request.
  const second = await requestUpgrade(alice, "b2");
  const admin = await as(browser, "admin");
  await admin.goto(`/runs/${second}`);
  await admin.getByLabel("Reason to cancel").fill("change freeze until Monday");
  await admin.getByRole("button", { name: "Cancel run" }).click();
  await expect(admin.locator('[data-run-status="cancelled"]').first()).toBeVisible();
  await expect(admin.getByTestId("cancelled-by")).toContainText("Cancelled by admin@cairn.local");
  await expect(admin.getByTestId("cancelled-by")).toContainText("change freeze until Monday");
});

test("a no-op plan cannot be submitted, and says why", async ({ browser }) => {
  const alice = await as(browser, "alice");
  await openUpgrade(alice, "a1");
  await expect(dialog(alice).getByTestId("no-op-reason")).toContainText(`Nothing to run: ${ENV} is already at a1.`);
  await dialog(alice).getByLabel(`Type “${ENV}” to confirm`).fill(ENV);
  await expect(dialog(alice).getByRole("button", { name: "Request approval" })).toBeDisabled();
  // The server refuses it too.
  const res = await alice.request.post(`/api/projects/lab/envs/${ENV}/runs`, { headers: origin(alice), data: { kind: "upgrade", target: "a1", typedConfirmation: ENV } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toMatch(new RegExp(`^Nothing to run: ${ENV} is already at a1`));
});
