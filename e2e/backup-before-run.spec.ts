// Issue 17, backups before protected runs, in the real server and Chromium: the e2e "lab" project's protected
// environment "vault" (SQLite at a1 by real Alembic, beforeRun {"backup": true, "keep": 1}; see
// scripts/demo-environments.mjs, and demo.mjs for CAIRN_BACKUP_DIR) is backed up before each run. The dialog says
// where the backup goes; after QA's sign-off, alice's request and bob's approval the run page shows the file, its
// size and the restore command; the file on disk is 0600 and a real copy of the database as it stood before the
// run; a second run keeps only the newest backup. On "vault-fail" the beforeRun command exits 1: the run fails
// with the reason and Alembic never starts.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { formatBytes } from "@/lib/backups/types";

test.describe.configure({ mode: "serial" });

const DEMO_DIR = path.resolve("test-results/e2e-store/demo");
const BACKUP_DIR = path.resolve("test-results/e2e-store/backups/lab/vault");
const VAULT_DB = path.join(DEMO_DIR, "lab-vault.db");
const FAIL_DB = path.join(DEMO_DIR, "lab-vault-fail.db");
const BACKUP_NAME = /^vault-\d{8}T\d{6}Z-[0-9a-f]{8}\.sqlite$/;

async function as(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: `test-results/.auth/${user}.json` });
  return context.newPage();
}

const origin = (page: Page) => ({ origin: new URL(page.url() === "about:blank" ? "http://127.0.0.1" : page.url()).origin });
const dialog = (page: Page) => page.getByRole("dialog");

/** A SQLite file's version table and tables (none for an empty file). */
function inspect(file: string): { revisions: string[]; tables: string[] } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1").all() as { name: string }[]).map((r) => r.name);
    const revisions = tables.includes("alembic_version") ? (db.prepare("SELECT version_num AS v FROM alembic_version").all() as { v: string }[]).map((r) => r.v) : [];
    return { revisions, tables };
  } finally {
    db.close();
  }
}

/** Opens the run dialog for an upgrade of `env` to `target` and waits for its gates. */
async function openUpgrade(page: Page, env: string, target: string) {
  await page.goto(`/projects/lab/envs/${env}`);
  await page.getByLabel("Search revisions by id prefix or message").fill(target);
  await page.getByLabel("Target revision").selectOption(target);
  await page.getByRole("button", { name: `Upgrade to ${target}` }).click();
  await expect(dialog(page).locator("[data-gate]").first()).toBeVisible({ timeout: 30_000 });
}

/** alice requests an upgrade of vault (typed confirmation), bob approves it; returns bob's page on the finished run. */
async function requestAndApprove(browser: Browser, target: string, onDialog?: (alice: Page) => Promise<void>): Promise<Page> {
  const alice = await as(browser, "alice");
  await openUpgrade(alice, "vault", target);
  await onDialog?.(alice);
  await dialog(alice).getByLabel("Type “vault” to confirm").fill("vault");
  const submit = dialog(alice).getByRole("button", { name: "Request approval" });
  await expect(submit).toBeEnabled({ timeout: 30_000 });
  await submit.click();
  await expect(alice).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const runUrl = alice.url();
  await alice.context().close();

  const bob = await as(browser, "bob");
  await bob.goto(runUrl);
  await bob.getByRole("button", { name: "Approve and run" }).click();
  await expect(bob.locator('[data-run-status="succeeded"]').first()).toBeVisible({ timeout: 60_000 });
  return bob;
}

test.beforeAll(async ({ browser }) => {
  expect(inspect(VAULT_DB).revisions).toEqual(["a1"]);
  // QA verified a1..e5 on lab's qa, so the sign-off gate passes on the protected vault.
  const qa = await as(browser, "qa");
  await qa.goto("/");
  const signed = await qa.request.post("/api/projects/lab/signoffs", { headers: origin(qa), data: { environment: "qa", toRevision: "e5", note: "e2e backup-before-run" } });
  expect(signed.ok(), await signed.text()).toBe(true);
  await qa.context().close();
});

test("a protected run is backed up first: the dialog says where, the run page shows the file, its size and the restore command", async ({ browser }, testInfo) => {
  const bob = await requestAndApprove(browser, "b2", async (alice) => {
    const notice = dialog(alice).getByTestId("before-run");
    await expect(notice).toContainText("Backup before the run");
    await expect(notice).toContainText("a copy of the SQLite file");
    await expect(notice).toContainText("keeps the newest 1");
    await expect(dialog(alice).getByTestId("before-run-destination")).toHaveText(BACKUP_DIR);
    await expect(dialog(alice).locator('[data-gate="backup"]')).toHaveAttribute("data-verdict", "pass");
    await testInfo.attach("dialog-before-run", { body: await alice.screenshot({ fullPage: true }), contentType: "image/png" });
  });

  const file = (await bob.getByTestId("run-backup-file").textContent())!.trim();
  expect(path.dirname(file)).toBe(BACKUP_DIR);
  expect(path.basename(file)).toMatch(BACKUP_NAME);
  await expect(bob.getByTestId("run-backup")).toContainText(`(${formatBytes(fs.statSync(file).size)})`);
  await expect(bob.getByTestId("run-backup-restore")).toHaveText(`cp ${file} ${VAULT_DB}`);
  // The backup came before Alembic, in the run's own log.
  const log = bob.getByTestId("run-log");
  await expect(log).toContainText(`Cairn: backup written: ${file}`);
  const text = (await log.textContent())!;
  expect(text.indexOf("Running upgrade a1 -> b2")).toBeGreaterThan(text.indexOf("Cairn: backup written:"));
  await testInfo.attach("run-with-backup", { body: await bob.screenshot({ fullPage: true }), contentType: "image/png" });

  // On disk: only Cairn's user may read it, and it is the database as it stood before the run (a1, its tables).
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(inspect(file)).toEqual({ revisions: ["a1"], tables: ["alembic_version", "customers"] });
  expect(inspect(VAULT_DB).revisions).toEqual(["b2"]);
  expect(fs.readdirSync(BACKUP_DIR)).toEqual([path.basename(file)]);
  await bob.context().close();

  // keep: 1 — the next run's backup replaces it.
  const next = await requestAndApprove(browser, "c3");
  const second = (await next.getByTestId("run-backup-file").textContent())!.trim();
  expect(second).not.toBe(file);
  expect(fs.readdirSync(BACKUP_DIR)).toEqual([path.basename(second)]);
  expect(inspect(second).revisions).toEqual(["b2"]);
  await expect(next.getByTestId("run-log")).toContainText(`deleted ${path.basename(file)}`);
  await next.context().close();
});

test("a failing backup fails the run with its reason, and Alembic never starts", async ({ browser }, testInfo) => {
  expect(inspect(FAIL_DB)).toEqual({ revisions: [], tables: [] });
  const alice = await as(browser, "alice");
  await openUpgrade(alice, "vault-fail", "a1");
  const notice = dialog(alice).getByTestId("before-run");
  await expect(notice).toContainText("Command before the run");
  await expect(notice).toContainText("Runs: /bin/sh -c");
  await dialog(alice).getByRole("button", { name: /now$/ }).click();

  await expect(alice).toHaveURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(alice.locator('[data-run-status="failed"]').first()).toBeVisible({ timeout: 60_000 });
  const tail = alice.getByTestId("error-tail");
  await expect(tail).toContainText("The beforeRun command /bin/sh -c");
  await expect(tail).toContainText("failed (exit code 1)");
  await expect(tail).toContainText("Alembic did not start: vault-fail is still at base");
  const log = alice.getByTestId("run-log");
  await expect(log).toContainText("backup-tool: cannot reach the backup server");
  await expect(log).not.toContainText("Running upgrade");
  await expect(alice.getByTestId("run-backup")).toHaveCount(0);
  await testInfo.attach("failed-backup", { body: await alice.screenshot({ fullPage: true }), contentType: "image/png" });

  // Alembic never ran: no version table, no table at all.
  expect(inspect(FAIL_DB)).toEqual({ revisions: [], tables: [] });
  await alice.context().close();
});
