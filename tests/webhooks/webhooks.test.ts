import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getStore } from "@/lib/db/client";
import { createJobQueue, type JobQueue } from "@/lib/jobs/job-queue";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import { deliverWebhookJob } from "@/lib/webhooks/deliver-webhook-job";
import { emitEvent, queueWebhookDelivery } from "@/lib/webhooks/emit-event";
import { encryptSecret } from "@/lib/secrets/encrypt-secret";
import { maskWebhookUrl } from "@/lib/webhooks/webhook-events";
import * as webhooksRoute from "@/app/api/projects/[project]/webhooks/route";
import * as webhookRoute from "@/app/api/projects/[project]/webhooks/[id]/route";
import * as testRoute from "@/app/api/projects/[project]/webhooks/[id]/test/route";
import * as deliveriesRoute from "@/app/api/projects/[project]/webhooks/[id]/deliveries/route";
import { body, ctx, request, signedIn, useAppStore } from "@/tests/auth/helpers";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// A real receiver: records each request's headers and raw body, answers with the next queued status.
const received: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
const answers: number[] = [];
const receiver = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, raw });
    res.writeHead(answers.shift() ?? 200).end("ok");
  });
});

/** What a receiver does with X-Cairn-Signature: recompute over the raw body, compare in constant time, refuse an old t. */
function verify(secret: string, header: string, raw: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || Math.abs(nowSeconds - Number(m[1])) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

const P = "webhook-shop";
let app: Awaited<ReturnType<typeof useAppStore>>;
let queue: JobQueue;
let url: string;

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = randomBytes(32).toString("hex");
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  // A token in the query and userinfo in the URL: both must be masked wherever the URL is shown.
  url = `http://hook:pa55word@127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cairn?token=s3cr3t-t0ken`;
  app = await useAppStore("cairn_webhooks");
  await app.db.project.create({ data: { name: P, alembicPath: "./alembic.ini" } });
  // Quick retries for the test: 1 s, then ~2 s (the shipped delay is 10 s).
  deliverWebhookJob.options.retryDelaySeconds = 1;
  queue = await createJobQueue(await getStore(), [deliverWebhookJob], { pollingIntervalSeconds: 0.5 });
});
afterAll(async () => {
  await queue?.stop(1000);
  await app?.close();
  receiver.close();
});

async function until(check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("webhooks", () => {
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let hookId: string;
  let secret: string;

  it("an admin adds one: the secret is shown once, the URL only masked, the change audited", async () => {
    admin = await signedIn(app.db, "admin");
    const res = await webhooksRoute.POST(request("POST", `/api/projects/${P}/webhooks`, { cookie: admin.cookie, body: { name: "ops", url, format: "json", events: ["run.requested", "run.failed"] } }), ctx({ project: P }));
    expect(res.status).toBe(201);
    const created = await body(res);
    secret = created.secret;
    hookId = created.webhook.id;
    expect(secret).toMatch(/^whsec_/);
    expect(created.webhook.urlMasked).toBe(`http://****@127.0.0.1:${new URL(url).port}/hooks/cairn?token=****`);
    const listed = JSON.stringify(await body(await webhooksRoute.GET(request("GET", `/api/projects/${P}/webhooks`, { cookie: admin.cookie }), ctx({ project: P }))));
    const stored = JSON.stringify(await app.db.webhook.findMany());
    const audited = JSON.stringify(await app.db.auditEvent.findMany({ where: { action: "webhook.create" } }), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const text of [listed, stored, audited]) {
      expect(text).not.toContain("s3cr3t-t0ken");
      expect(text).not.toContain("pa55word");
      expect(text).not.toContain(secret);
    }
    expect(audited).toContain("token=****");
  });

  it("delivers a subscribed event, signed, and ignores one it does not subscribe to", async () => {
    const project = await app.db.project.findUniqueOrThrow({ where: { name: P } });
    await app.db.$transaction(async (tx) => {
      expect(await emitEvent(tx, { projectId: project.id, event: "run.requested", summary: "production: upgrade to b2 requested by alice", data: { environment: "production", target: "b2" } })).toBe(1);
      expect(await emitEvent(tx, { projectId: project.id, event: "run.approved", summary: "not subscribed" })).toBe(0);
    });
    await until(() => received.length >= 1);
    const [got] = received.splice(0);
    const sent = JSON.parse(got!.raw);
    expect(sent).toMatchObject({ event: "run.requested", project: P, summary: "production: upgrade to b2 requested by alice", data: { environment: "production", target: "b2" } });
    expect(got!.headers["x-cairn-event"]).toBe("run.requested");
    expect(got!.headers["x-cairn-delivery"]).toBe(sent.id);
    expect(got!.headers["authorization"]).toBe(`Basic ${Buffer.from("hook:pa55word").toString("base64")}`);
    expect(verify(secret, String(got!.headers["x-cairn-signature"]), got!.raw)).toBe(true);
    // A changed body, a wrong secret or a replay an hour later all fail verification.
    expect(verify(secret, String(got!.headers["x-cairn-signature"]), got!.raw.replace("b2", "b3"))).toBe(false);
    expect(verify("whsec_other", String(got!.headers["x-cairn-signature"]), got!.raw)).toBe(false);
    expect(verify(secret, String(got!.headers["x-cairn-signature"]), got!.raw, Math.floor(Date.now() / 1000) + 3600)).toBe(false);
    await until(async () => (await app.db.webhookDelivery.findFirst({ where: { id: sent.id } }))?.status === "delivered");
  });

  it("retries after 500s with a growing delay and logs each attempt", async () => {
    answers.push(500, 500);
    const res = await testRoute.POST(request("POST", `/api/projects/${P}/webhooks/${hookId}/test`, { cookie: admin.cookie }), ctx({ project: P, id: hookId }));
    expect(res.status).toBe(202);
    const { delivery } = await body(res);
    await until(() => received.length >= 3);
    const times = received.splice(0).map((r) => {
      expect(JSON.parse(r.raw).event).toBe("webhook.test");
      return Number(/t=(\d+)/.exec(String(r.headers["x-cairn-signature"]))![1]);
    });
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1); // backoff: ~2 s before the second retry
    await until(async () => (await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status === "delivered");
    const log = await body(await deliveriesRoute.GET(request("GET", `/api/projects/${P}/webhooks/${hookId}/deliveries`, { cookie: admin.cookie }), ctx({ project: P, id: hookId })));
    expect(log.deliveries[0]).toMatchObject({ id: delivery.id, event: "webhook.test", status: "delivered", attempts: 3, lastStatus: 200, lastError: null });
    expect(JSON.stringify(log)).not.toContain("s3cr3t-t0ken");
  });

  it("refuses a viewer, a release manager and any token the list, the log, the test and removal", async () => {
    const viewer = await signedIn(app.db, "viewer");
    const rm = await signedIn(app.db, "release_manager");
    const owner = await app.db.user.findUniqueOrThrow({ where: { email: admin.email } });
    const { token } = await createApiToken(app.db, { kind: "user", userId: owner.id, email: owner.email, name: owner.email, role: "admin" }, { name: "ci", scopes: ["status:read", "runs:request", "runs:approve"] });
    const p = { project: P, id: hookId };
    for (const who of [{ cookie: viewer.cookie }, { cookie: rm.cookie }, { token }]) {
      for (const res of [
        await webhooksRoute.GET(request("GET", `/api/projects/${P}/webhooks`, who), ctx({ project: P })),
        await deliveriesRoute.GET(request("GET", `/api/projects/${P}/webhooks/${hookId}/deliveries`, who), ctx(p)),
        await testRoute.POST(request("POST", `/api/projects/${P}/webhooks/${hookId}/test`, who), ctx(p)),
        await webhookRoute.DELETE(request("DELETE", `/api/projects/${P}/webhooks/${hookId}`, who), ctx(p)),
        await webhooksRoute.POST(request("POST", `/api/projects/${P}/webhooks`, { ...who, body: { name: "x", url, format: "slack", events: ["run.failed"] } }), ctx({ project: P })),
      ]) {
        expect(res.status).toBe(403);
        expect(await res.text()).not.toContain("s3cr3t-t0ken");
      }
    }
  });

  it("refuses a bad body with the field named, and removes a webhook with its log, audited", async () => {
    const bad = await webhooksRoute.POST(request("POST", `/api/projects/${P}/webhooks`, { cookie: admin.cookie, body: { name: "x", url: "ftp://x", format: "json", events: [] } }), ctx({ project: P }));
    expect(bad.status).toBe(422);
    const res = await webhookRoute.DELETE(request("DELETE", `/api/projects/${P}/webhooks/${hookId}`, { cookie: admin.cookie }), ctx({ project: P, id: hookId }));
    expect(res.status).toBe(200);
    expect(await app.db.webhookDelivery.count()).toBe(0);
    expect(await app.db.auditEvent.count({ where: { action: { in: ["webhook.delete", "webhook.test"] } } })).toBe(2);
  });

  it("logs an attempt whose URL cannot be decrypted (CAIRN_SECRET_KEY changed) instead of leaving the delivery pending with no attempt", async () => {
    const project = await app.db.project.findUniqueOrThrow({ where: { name: P } });
    const otherKey = randomBytes(32);
    const hook = await app.db.webhook.create({
      data: {
        projectId: project.id,
        name: "old key",
        urlEncrypted: encryptSecret(url, otherKey),
        urlMasked: maskWebhookUrl(url),
        format: "json",
        events: ["run.failed"],
        secretEncrypted: encryptSecret("whsec_x", otherKey),
        createdBy: "admin@example.com",
      },
    });
    const delivery = await queueWebhookDelivery(app.db, hook.id, P, { event: "webhook.test", summary: "test" });
    await until(async () => (await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).attempts >= 1, 30_000);
    const logged = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(logged).toMatchObject({ status: "pending", lastStatus: null });
    expect(logged.lastError).toMatch(/cannot be decrypted.*CAIRN_SECRET_KEY/);
    expect(logged.lastError).not.toContain("s3cr3t-t0ken");
    expect(received).toHaveLength(0);
    await app.db.webhook.delete({ where: { id: hook.id } });
  });
});

describe("maskWebhookUrl", () => {
  it("masks userinfo, query values and Slack's path token", () => {
    expect(maskWebhookUrl("https://hooks.slack.com/services/T0001/B0002/XXXXyyyyZZZZ1234")).toBe("https://hooks.slack.com/services/T0001/B0002/****");
    expect(maskWebhookUrl("https://u:p@example.com/a?key=1&sig=2")).toBe("https://****@example.com/a?key=****&sig=****");
    expect(maskWebhookUrl("https://example.com/hook/0123456789abcdefghij")).toBe("https://example.com/hook/****");
    expect(maskWebhookUrl("not a url")).toBe("****");
  });
});
