// Issue 17, guarded stamp: on the e2e "lab" project's protected environment "recover" (SQLite at c3 by real
// Alembic, see scripts/demo-environments.mjs) a release manager sets the version table to e5 from the environment
// page's own Stamp card — not an upgrade: the typed name and a reason are required, no table is created, the run
// page says it was a stamp and why, the audit has the rows before and after. QA sees no Stamp card and the API
// refuses her (403).
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const DB_FILE = path.resolve("test-results/e2e-store/demo/lab-recover.db");
const ENV = "recover";
const ENV_PAGE = `/projects/lab/envs/${ENV}`;

async function as(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: `test-results/.auth/${user}.json` });
  return context.newPage();
}

function read(): { revisions: string[]; tables: string[] } {
  const db = new Database(DB_FILE, { readonly: true });
  try {
    const revisions = (db.prepare("SELECT version_num AS v FROM alembic_version ORDER BY 1").all() as { v: string }[]).map((r) => r.v);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY 1").all() as { name: string }[]).map((r) => r.name);
    return { revisions, tables };
  } finally {
    db.close();
  }
}

test("a release manager stamps recover to e5 from its own card: no migration runs, the run page and the audit say so", async ({ browser }, testInfo) => {
  const start = read();
  expect(start.revisions).toEqual(["c3"]);
  const alice = await as(browser, "alice");
  await alice.goto(ENV_PAGE);
  const form = alice.getByTestId("stamp-form");
  await expect(form).toContainText("Not an upgrade");
  const submit = form.getByRole("button", { name: `Stamp ${ENV} (no migration runs)` });
  await form.getByLabel("Revision(s) the version table should hold").fill("e5");
  await form.getByLabel("Why (audited)").fill("fix");
  await form.getByLabel(`Type ${ENV} to confirm`).fill(ENV);
  // A reason too short to mean anything keeps the button disabled.
  await expect(submit).toBeDisabled();
  await form.getByLabel("Why (audited)").fill("d4 and e5 applied by hand during the incident");
  await expect(submit).toBeEnabled();
  await testInfo.attach("stamp-form", { body: await alice.screenshot({ fullPage: true }), contentType: "image/png" });
  await submit.click();
  const result = alice.getByTestId("stamp-result");
  await expect(result).toContainText("Stamp succeeded: c3 → e5", { timeout: 30_000 });
  await expect(result).toContainText("No schema baseline was recorded after this stamp");

  const after = read();
  expect(after.revisions).toEqual(["e5"]);
  // d4's index and e5's table were not created: only the version table moved.
  expect(after.tables).toEqual(start.tables);
  await expect(alice.getByTestId("current-revisions")).toContainText("e5");

  await result.getByRole("link", { name: "Open the run" }).click();
  await expect(alice.getByTestId("stamp-reason")).toContainText("Version table set to e5 without running any migration. Reason: d4 and e5 applied by hand during the incident");
  await expect(alice.locator('[data-run-status="succeeded"]').first()).toBeVisible();

  await alice.goto("/audit");
  await expect(alice.getByText("environment.stamp").first()).toBeVisible();
  await alice.context().close();
});

test("QA sees no Stamp card, and the API refuses her with 403", async ({ browser }) => {
  const qa = await as(browser, "qa");
  await qa.goto(ENV_PAGE);
  await expect(qa.getByText("Where it stands")).toBeVisible();
  await expect(qa.getByTestId("stamp-form")).toHaveCount(0);
  const res = await qa.request.post(`/api/projects/lab/envs/${ENV}/stamp`, {
    headers: { origin: new URL(qa.url()).origin },
    data: { revisions: ["c3"], typedConfirmation: ENV, reason: "QA should not be able to do this" },
  });
  expect(res.status()).toBe(403);
  expect(read().revisions).toEqual(["e5"]);
  await qa.context().close();
});
