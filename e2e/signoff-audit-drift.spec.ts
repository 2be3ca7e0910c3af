// QA sign-off on the UI, the audit trail (page + CSV export) and schema drift on the demo shop:
// a column added by hand to staging's SQLite file shows up on the drift page against its baseline.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const DEMO_DIR = path.resolve("test-results/e2e-store/demo");
const NOTE = `e2e: checkout verified on qa ${Date.now()}`;

async function as(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: `test-results/.auth/${user}.json`, acceptDownloads: true });
  return context.newPage();
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}

test("QA signs off a range on qa through the form; a viewer sees it but no form", async ({ browser }, testInfo) => {
  const qa = await as(browser, "qa");
  await qa.goto("/projects/shop/signoffs");
  const form = qa.getByRole("form", { name: "Sign off a revision range" });
  await qa.getByLabel("Environment").selectOption("qa");
  await qa.getByLabel("From revision (exclusive)").fill("");
  await qa.getByLabel("To revision").fill("heads");
  await qa.getByLabel("Note").fill(NOTE);
  await qa.getByRole("button", { name: "Sign off", exact: true }).click();
  await expect(form.getByRole("status")).toContainText(/Signed off \d+ revisions? on qa\. Schema baseline recorded\./, { timeout: 30_000 });
  const row = qa.getByTestId("signoff-list").locator("tr", { hasText: NOTE });
  await expect(row).toContainText("qa@cairn.local");
  await expect(row).toContainText("in force");
  await expect(qa.getByTestId("revision-coverage").locator('[data-signed-off="yes"]').first()).toBeVisible();
  await shot(qa, testInfo, "signoff-recorded");

  // Refused with a clear message: a revision not applied there. The lab project's f6 never applies
  // (it fails halfway), whatever the other specs did to the shop's environments.
  await qa.goto("/projects/lab/signoffs");
  await qa.getByLabel("Environment").selectOption("qa");
  await qa.getByLabel("To revision").fill("f6");
  await qa.getByRole("button", { name: "Sign off", exact: true }).click();
  await expect(qa.getByRole("form", { name: "Sign off a revision range" }).getByRole("alert")).toContainText("You can only sign off what is applied on qa");

  const viewer = await as(browser, "viewer");
  await viewer.goto("/projects/shop/signoffs");
  await expect(viewer.getByTestId("signoff-list")).toContainText(NOTE);
  await expect(viewer.getByRole("button", { name: "Sign off", exact: true })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  // Not through the API either.
  const res = await viewer.request.post("/api/projects/shop/signoffs", {
    headers: { origin: new URL(viewer.url()).origin },
    data: { environment: "qa", toRevision: "heads", note: "viewer" },
  });
  expect(res.status()).toBe(403);

  // The sign-off is on the graph: a check mark on the signed revisions, details in the side panel.
  await viewer.goto("/projects/shop/graph");
  const head = viewer.locator('[data-revision="2b4d6f8a977a"]').first();
  await expect(head.locator('[data-tag^="✓"]')).toBeVisible();
  await head.click();
  await expect(viewer.getByTestId("revision-signoffs")).toContainText("qa@cairn.local");
});

test("the audit page lists the sign-off and the CSV export downloads it", async ({ browser }, testInfo) => {
  const page = await as(browser, "viewer");
  await page.goto("/audit");
  await page.getByLabel("Action").fill("signoff");
  await page.getByLabel("Actor").fill("qa@cairn.local");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=signoff/);
  const row = page.getByTestId("audit-table").locator('tr[data-audit-action="signoff.create"]').first();
  await expect(row).toContainText("qa@cairn.local");
  await expect(row).toContainText("shop/qa");
  await row.getByText("show").click();
  await expect(row).toContainText(NOTE);
  await shot(page, testInfo, "audit-filtered");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^cairn-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const file = await download.path();
  const csv = fs.readFileSync(file, "utf8");
  expect(csv.split("\r\n")[0]).toBe("id,at,actor,action,project,environment,run,from,to,outcome,details");
  expect(csv).toContain(",qa@cairn.local,signoff.create,shop,qa,");
  expect(csv).not.toContain("run.request");
  await testInfo.attach("audit-export.csv", { body: csv, contentType: "text/csv" });
});

test("drift: baseline staging, add a column by hand, the drift page shows it; alembic check says it is not available", async ({ browser }, testInfo) => {
  const page = await as(browser, "alice");
  await page.goto("/projects/shop/drift");
  await page.getByRole("button", { name: "Take baseline now for staging" }).click();
  await expect(page.getByTestId("drift-env-staging").getByRole("status")).toHaveText("Baseline recorded.", { timeout: 30_000 });
  await expect(page.getByTestId("drift-env-staging")).toContainText("matches");

  const file = path.join(DEMO_DIR, "staging.db");
  const db = new Database(file);
  const table = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' ORDER BY name").get() as { name: string }).name;
  db.exec(`ALTER TABLE "${table}" ADD COLUMN e2e_hotfix TEXT`);
  db.close();
  try {
    // Pages show the stored schema reading (issue 15): "Read now" reads staging again.
    await expect(page.getByTestId("drift-read-staging")).toContainText("schema read");
    await page.getByRole("button", { name: "Read staging's schema now" }).click();
    const findings = page.getByTestId("drift-findings");
    await expect(findings.locator('[data-finding-kind="baseline-differs"]')).toContainText("staging differs from its baseline (1 difference)");
    await expect(findings).toContainText(`column ${table}.e2e_hotfix only on staging`);
    await expect(page.getByTestId("drift-env-staging")).toContainText("differs");
    await shot(page, testInfo, "drift-found");

    await page.getByRole("button", { name: "alembic check on staging" }).click();
    await expect(page.getByTestId("alembic-check-staging")).toContainText(
      "alembic check is not available: this project's Alembic is 1.8.1; it needs 1.9 or newer (pip install -U alembic) and importable models (target_metadata in env.py).",
      { timeout: 30_000 },
    );
    await shot(page, testInfo, "alembic-check-not-available");

    // The change is in the audit trail as a baseline, not as anything else: a hand edit leaves no row.
    const audit = await page.request.get("/api/audit?action=baseline.record&environment=staging");
    expect((await audit.json()).events[0]).toMatchObject({ actor: "alice@cairn.local", outcome: "ok", details: { source: "manual" } });
  } finally {
    // Put staging back so later specs see the schema Alembic built.
    const undo = new Database(file);
    undo.exec(`ALTER TABLE "${table}" DROP COLUMN e2e_hotfix`);
    undo.close();
  }
  await page.getByRole("button", { name: "Read staging's schema now" }).click();
  await expect(page.getByTestId("drift-env-staging")).toContainText("matches");
});

test("drift on protected production: a release manager is told only an admin may accept it; the admin's override needs a reason and is audited", async ({ browser }, testInfo) => {
  const alice = await as(browser, "alice");
  await alice.goto("/projects/shop/drift");
  const row = (page: Page) => page.getByTestId("drift-env-production");
  // No drift yet: a release manager records production's baseline as before.
  await alice.getByRole("button", { name: "Take baseline now for production" }).click();
  await expect(row(alice).getByRole("status")).toHaveText("Baseline recorded.", { timeout: 30_000 });

  const file = path.join(DEMO_DIR, "production.db");
  const edit = (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };
  const table = (() => {
    const db = new Database(file, { readonly: true });
    const t = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version' ORDER BY name").get() as { name: string }).name;
    db.close();
    return t;
  })();
  const admin = await as(browser, "admin");
  /** The admin accepts production's drift through the override form, with `reason`. */
  async function override(reason: string) {
    await admin.goto("/projects/shop/drift");
    await row(admin).getByRole("button", { name: "Read production's schema now" }).click();
    await row(admin).getByRole("button", { name: "Override: accept drift as the baseline for production (admin)" }).click();
    const submit = row(admin).getByRole("button", { name: /^Accept \d+ differences? as the baseline$/ });
    await row(admin).getByLabel("Reason to accept drift on production").fill("too short");
    await expect(submit).toBeDisabled();
    await row(admin).getByLabel("Reason to accept drift on production").fill(reason);
    await submit.click();
    await expect(row(admin).getByRole("status")).toHaveText(/^Baseline recorded; \d+ differences? accepted \(audited\)\.$/, { timeout: 30_000 });
  }

  edit(`ALTER TABLE "${table}" ADD COLUMN e2e_prod_hotfix TEXT`);
  try {
    await row(alice).getByRole("button", { name: "Read production's schema now" }).click();
    await expect(row(alice)).toContainText("differs");
    await expect(row(alice).getByTestId("baseline-admin-only-production")).toHaveText("production is protected and drifted: only an admin can accept the drift as its baseline, with a written reason.");
    await expect(row(alice).getByRole("button", { name: /production/ })).toHaveCount(2); // read now and alembic check only
    // The API says the same to a release manager who tries anyway.
    const refused = await alice.request.post("/api/projects/shop/envs/production/baseline", { data: {}, headers: { origin: new URL(alice.url()).origin } });
    expect(refused.status()).toBe(403);

    await override("e2e: hotfix column added during an incident, kept until its migration lands");
    await shot(admin, testInfo, "drift-override");
    const audit = await admin.request.get("/api/audit?action=baseline.accept-drift&environment=production&outcome=ok");
    const row0 = (await audit.json()).events[0];
    expect(row0).toMatchObject({ actor: "admin@cairn.local", details: { reason: "e2e: hotfix column added during an incident, kept until its migration lands", protected: true } });
    expect(JSON.stringify(row0.details.differences)).toContain("e2e_prod_hotfix");
  } finally {
    edit(`ALTER TABLE "${table}" DROP COLUMN e2e_prod_hotfix`);
  }
  // Back as Alembic built it: the accepted baseline now differs, and only the same override puts it back.
  await override("e2e: the hotfix column is gone again; production is as Alembic built it");
  await admin.reload();
  await expect(row(admin)).toContainText("matches");
});
