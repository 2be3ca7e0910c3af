// Issue 17, webhooks admin, against the real demo in Chromium with a real receiver (node:http on
// 127.0.0.1): an admin adds a webhook to "shop" whose URL carries a secret query value — the page
// shows it masked and never serves the value, the signing secret is shown once — sends a test,
// which arrives signed (X-Cairn-Signature verified here as a receiver would) and shows "delivered",
// HTTP 200 in the log; a receiver answering 500 shows the failed attempt, to be retried; the
// webhook is deleted after a confirmation. A release manager and a viewer get no page and a 403
// from every webhook route. The deliveries go through the server's job queue (lib/jobs).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { expect, test, request as playwrightRequest, type APIRequestContext } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const BASE = `http://127.0.0.1:${process.env.CAIRN_E2E_PORT ?? 3100}`;
const PAGE = "/admin/projects/shop/webhooks";

/** What the receiver got: the path with its query, the headers and the raw body. */
const received: { url: string; headers: http.IncomingHttpHeaders; raw: string }[] = [];
/** The status the receiver answers with. */
let answer = 200;
const receiver = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    received.push({ url: req.url ?? "", headers: req.headers, raw });
    res.writeHead(answer).end();
  });
});
let port = 0;

test.beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  port = (receiver.address() as AddressInfo).port;
});
test.afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

/** What a receiver does with X-Cairn-Signature: recompute over the raw body, compare in constant time, refuse an old t. */
function verify(secret: string, header: string, raw: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return false;
  return timingSafeEqual(createHmac("sha256", secret).update(`${m[1]}.${raw}`).digest(), Buffer.from(m[2]!, "hex"));
}

async function api(user: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: BASE, storageState: `test-results/.auth/${user}.json`, extraHTTPHeaders: { Origin: BASE } });
}

test.describe("an admin", () => {
  test.use({ storageState: "test-results/.auth/admin.json" });

  test("adds a webhook (URL masked, secret once), sends a signed test that is delivered, sees a 500 as a failed attempt, and deletes it", async ({ page }) => {
    const token = `s3cr3t-${randomBytes(8).toString("hex")}`;
    const url = `http://127.0.0.1:${port}/cairn-hook?token=${token}`;
    const masked = `http://127.0.0.1:${port}/cairn-hook?token=****`;

    await page.goto("/admin/projects");
    await page.getByRole("region", { name: "shop", exact: true }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page).toHaveURL(new RegExp(`${PAGE}$`));
    await expect(page.getByText("No webhooks yet")).toBeVisible();

    // Nothing filled in: the server's words, under each field.
    const form = page.getByRole("region", { name: "Add a webhook" });
    await form.getByRole("button", { name: "Add webhook" }).click();
    await expect(form.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
    await expect(form).toContainText("Give the webhook a name");
    await expect(form).toContainText("Enter the receiver's full http(s) URL");
    await expect(form).toContainText("Choose at least one event to send.");

    await form.getByLabel("Name").fill("e2e receiver");
    await form.getByLabel("URL").fill(url);
    await form.getByLabel("Format").selectOption("json");
    await form.getByLabel("run.failed").check();
    await form.getByRole("button", { name: "Add webhook" }).click();

    // The signing secret, this once; the URL only masked, in the list and anywhere in the page.
    const shown = page.getByTestId("webhook-secret");
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9_-]{43}$/);
    const secret = (await shown.textContent())!;
    await expect(page.getByRole("status").filter({ hasText: "you won't see it again" })).toContainText("Copy");
    const card = page.getByRole("region", { name: "e2e receiver" });
    await expect(card).toContainText(masked);
    await expect(card).toContainText("run.failed");
    await expect(card).toContainText("by admin@cairn.local");
    await expect(form.getByLabel("URL")).toHaveValue("");
    expect(await page.content()).not.toContain(token);
    const served = await (await page.request.get(PAGE)).text();
    expect(served).toContain(masked);
    expect(served).not.toContain(token);
    expect(served).not.toContain(secret);
    await page.reload();
    await expect(card).toContainText(masked);
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    // A test: posted by the server's job queue to the full URL, signed with the secret; the log says delivered, HTTP 200.
    const rows = card.getByRole("row");
    await expect(card).toContainText("Nothing sent yet");
    await card.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
    const got = received.shift()!;
    expect(got.url).toBe(`/cairn-hook?token=${token}`);
    expect(JSON.parse(got.raw)).toMatchObject({ event: "webhook.test", project: "shop", summary: "Test from Cairn, sent by admin@cairn.local" });
    expect(got.headers["x-cairn-event"]).toBe("webhook.test");
    expect(verify(secret, String(got.headers["x-cairn-signature"]), got.raw)).toBe(true);
    expect(verify(secret, String(got.headers["x-cairn-signature"]), got.raw.replace("shop", "shoq"))).toBe(false);
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText("delivered");
    await expect(rows.nth(1)).toContainText("HTTP 200");

    // A receiver answering 500: the attempt is logged as such, and the delivery waits for its retry.
    answer = 500;
    await card.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(1)).toContainText("HTTP 500");
    await expect(rows.nth(1)).toContainText("pending");
    await expect(rows.nth(1)).toContainText("retrying");
    await expect(rows.nth(1).getByRole("cell").nth(2)).toHaveText("1");
    await expect(rows.nth(2)).toContainText("delivered");
    expect(await page.content()).not.toContain(token);

    // Delete, after a confirmation that names it (masked): the list is empty again and stays so.
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await card.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Deleted webhook “e2e receiver”." })).toBeVisible();
    expect(asked).toContain(`Delete webhook “e2e receiver”? Cairn stops posting to ${masked}`);
    await expect(card).toHaveCount(0);
    await page.reload();
    await expect(page.getByText("No webhooks yet")).toBeVisible();
  });
});

test("a release manager and a viewer get no webhooks page, and every webhook route refuses them (403)", async ({ browser }) => {
  const token = `s3cr3t-${randomBytes(8).toString("hex")}`;
  const admin = await api("admin");
  const created = await admin.post("/api/projects/shop/webhooks", { data: { name: "e2e guarded", url: `http://127.0.0.1:${port}/guarded?token=${token}`, format: "slack", events: ["drift.found"] } });
  expect(created.status()).toBe(201);
  const { webhook } = (await created.json()) as { webhook: { id: string } };
  const hook = `/api/projects/shop/webhooks/${webhook.id}`;

  for (const user of ["alice", "viewer"]) {
    const context = await browser.newContext({ storageState: `test-results/.auth/${user}.json` });
    const page = await context.newPage();
    await page.goto(PAGE);
    await expect(page.getByRole("alert").filter({ hasText: "Admins only" })).toBeVisible();
    const html = await page.content();
    expect(html).not.toContain("e2e guarded");
    expect(html).not.toContain("/guarded");
    await context.close();

    const as = await api(user);
    for (const [method, path] of [
      ["GET", "/api/projects/shop/webhooks"],
      ["POST", "/api/projects/shop/webhooks"],
      ["GET", `${hook}/deliveries`],
      ["POST", `${hook}/test`],
      ["DELETE", hook],
    ] as const) {
      const res = await as.fetch(path, { method, ...(method === "POST" ? { data: { name: "x", url: "https://example.com/x", format: "json", events: ["run.failed"] } } : {}) });
      expect(res.status(), `${user}: ${method} ${path}`).toBe(403);
      const text = await res.text();
      expect(JSON.parse(text).error.message, `${user}: ${method} ${path}`).toMatch(/^Your role \(/);
      expect(text).not.toContain(token);
    }
    await as.dispose();
  }

  // Still there for the admin (nothing above removed or tested it); then removed.
  expect(JSON.stringify(await (await admin.get("/api/projects/shop/webhooks")).json())).toContain("e2e guarded");
  expect((await (await admin.get(`${hook}/deliveries`)).json()).deliveries).toEqual([]);
  expect((await admin.delete(hook)).status()).toBe(200);
  await admin.dispose();
});
