import { test as setup, expect } from "@playwright/test";

// Signs in once as each demo user through the real login form and saves the session for the specs.
const USERS = ["admin", "qa", "alice", "bob", "viewer"] as const;
const PASSWORD = "cairn-demo-password";

for (const name of USERS) {
  setup(`sign in as ${name}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(`${name}@cairn.local`);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.context().storageState({ path: `test-results/.auth/${name}.json` });
  });
}
