import "server-only";
import { z } from "zod";
import type { Webhook, WebhookDelivery } from "@/lib/generated/prisma/client";
import { defineJob } from "@/lib/jobs/define-job";
import { decryptSecret } from "@/lib/secrets/encrypt-secret";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { buildWebhookBody, maskWebhookUrl, SIGNATURE_HEADER, signWebhookBody, type WebhookFormat, type WebhookPayload } from "@/lib/webhooks/webhook-events";

/** A receiver has this long to answer (connect, send and headers). */
const TIMEOUT_MS = 10_000;
/** Attempts after the first: 10 s, then ~20, ~40, ~80, ~160 s with jitter — about 5 minutes in all. */
const RETRY_LIMIT = 5;

const ZDelivery = z.object({ deliveryId: z.string().uuid() });

/**
 * Posts one event to one webhook. The body is built at each attempt from the stored event; the
 * request is signed (X-Cairn-Signature, lib/webhooks/webhook-events.ts), times out after 10 s,
 * follows no redirect (a 3xx is a failed attempt: the receiver's host is the one an admin chose)
 * and never reads the answer's body (0 bytes: only the status counts). A non-2xx answer or an
 * error is recorded on the delivery, masked, and thrown so the queue retries with backoff; after
 * the last attempt the delivery is marked failed.
 */
export const deliverWebhookJob = defineJob(
  "webhook-delivery",
  ZDelivery,
  async ({ deliveryId }, { db }) => {
    const delivery = await db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { webhook: true } });
    if (!delivery || delivery.status !== "pending") return; // removed with its webhook, or settled already
    const key = getSecretKey();
    const attempt = delivery.attempts + 1;
    const outcome: Outcome = key ? await sendDelivery(delivery, key) : { ok: false, status: null, error: "CAIRN_SECRET_KEY is not set, so the webhook's URL and secret cannot be decrypted" };
    const last = attempt > deliverWebhookJob.options.retryLimit;
    await db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        attempts: attempt,
        lastAttemptAt: new Date(),
        lastStatus: outcome.status,
        lastError: outcome.ok ? null : outcome.error,
        ...(outcome.ok ? { status: "delivered", deliveredAt: new Date() } : last ? { status: "failed" } : {}),
      },
    });
    if (!outcome.ok) throw new Error(`webhook ${delivery.webhook.urlMasked}: ${outcome.error}`);
  },
  { retryLimit: RETRY_LIMIT, retryDelaySeconds: 10, retryBackoff: true, expireInSeconds: 60, concurrency: 2 },
);

/** One attempt's result, as the delivery log keeps it. */
type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * Decrypts the webhook's URL and secret, builds the body and posts it. A URL or secret this key
 * cannot decrypt is a failed attempt like any other — logged, retried, in the end marked failed —
 * rather than a throw before the attempt is recorded, which left the delivery pending with no attempt.
 */
async function sendDelivery(delivery: WebhookDelivery & { webhook: Webhook }, key: Buffer): Promise<Outcome> {
  let url: string;
  let secret: string;
  try {
    url = decryptSecret(delivery.webhook.urlEncrypted, key);
    secret = decryptSecret(delivery.webhook.secretEncrypted, key);
  } catch {
    return {
      ok: false,
      status: null,
      error: "the webhook's URL or signing secret cannot be decrypted: CAIRN_SECRET_KEY changed since it was added, or the stored value was altered. Restore the key, or delete the webhook and add it again",
    };
  }
  const body = buildWebhookBody(delivery.webhook.format as WebhookFormat, delivery.id, delivery.payload as unknown as WebhookPayload);
  return post(url, body, { secret, event: delivery.event, deliveryId: delivery.id });
}

async function post(url: string, body: string, o: { secret: string; event: string; deliveryId: string }): Promise<Outcome> {
  try {
    // fetch refuses a URL with userinfo: it goes as Basic authentication, the way a browser would send it.
    const target = new URL(url);
    const basic = target.username || target.password ? Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64") : null;
    target.username = "";
    target.password = "";
    const res = await fetch(target, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Cairn-Webhooks/1",
        "x-cairn-event": o.event,
        "x-cairn-delivery": o.deliveryId,
        [SIGNATURE_HEADER]: signWebhookBody(o.secret, body, Math.floor(Date.now() / 1000)),
        ...(basic ? { authorization: `Basic ${basic}` } : {}),
      },
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    if (res.status >= 300 && res.status < 400) return { ok: false, status: res.status, error: `HTTP ${res.status}: redirects are not followed; use the final URL` };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, status: null, error: `no answer within ${TIMEOUT_MS / 1000} s` };
    // undici's message names the cause (ECONNREFUSED, ENOTFOUND …) and may quote the URL: masked.
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    return { ok: false, status: null, error: `not delivered: ${scrub(cause, url)}`.slice(0, 300) };
  }
}

/** An error line with every form of the URL and its secrets masked. */
function scrub(text: string, url: string): string {
  let out = text.split(url).join(maskWebhookUrl(url));
  try {
    const u = new URL(url);
    const secrets = [u.username, u.password, ...u.searchParams.values(), ...u.pathname.split("/").filter((s) => s.length >= 8)].filter((s) => s.length >= 3);
    for (const s of secrets) out = out.split(s).join("****");
  } catch {
    /* not a URL: masked whole above */
  }
  return out;
}
