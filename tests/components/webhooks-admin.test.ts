/** The webhooks admin page's parts, rendered by React's own server renderer (as the page's first paint). */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { WebhooksAdmin } from "@/components/webhooks/webhooks-admin";
import { DeliveryTable } from "@/components/webhooks/delivery-log";
import { NewWebhookSecret } from "@/components/webhooks/new-webhook-secret";
import type { WebhookDeliveryView, WebhookView } from "@/lib/webhooks/manage-webhooks.types";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@/lib/webhooks/webhook-events";

const hook: WebhookView = {
  id: "w1",
  name: "ops channel",
  urlMasked: "https://hooks.example.com/in?token=****",
  format: "slack",
  events: ["run.failed", "drift.found"],
  createdBy: "admin@cairn.local",
  createdAt: "2026-11-28T10:00:00.000Z",
};

const delivery = (over: Partial<WebhookDeliveryView>): WebhookDeliveryView => ({
  id: `d-${Math.random()}`,
  event: "webhook.test",
  status: "pending",
  attempts: 0,
  lastStatus: null,
  lastError: null,
  lastAttemptAt: null,
  deliveredAt: null,
  createdAt: "2026-11-28T10:01:00.000Z",
  ...over,
});

const inQuery = (el: ReturnType<typeof createElement>) => renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, el));

describe("WebhooksAdmin", () => {
  it("lists each webhook masked, with its format, events, author and actions, and offers a form with every event and format", () => {
    const html = inQuery(createElement(WebhooksAdmin, { project: "shop", initial: [hook], events: WEBHOOK_EVENTS, formats: WEBHOOK_FORMATS }));
    expect(html).toContain("ops channel");
    expect(html).toContain("https://hooks.example.com/in?token=****");
    expect(html).toContain("run.failed, drift.found");
    expect(html).toContain("by admin@cairn.local, 2026-11-28 10:00:00 UTC");
    expect(html).toContain(">Send test<");
    expect(html).toContain(">Delete<");
    for (const e of WEBHOOK_EVENTS) expect(html).toContain(`value="${e}"`);
    for (const f of WEBHOOK_FORMATS) expect(html).toContain(`<option value="${f}"`);
    // The form never pre-fills a URL, and nothing shows a secret.
    expect(html).not.toMatch(/name="url"[^>]*value=/);
    expect(html).not.toContain("whsec_");
  });

  it("says so when there is none yet", () => {
    expect(inQuery(createElement(WebhooksAdmin, { project: "shop", initial: [], events: WEBHOOK_EVENTS, formats: WEBHOOK_FORMATS }))).toContain("No webhooks yet");
  });
});

describe("DeliveryTable", () => {
  it("shows each delivery's status, attempts and last answer, a retry as such, and an error only when it says more than the status", () => {
    const html = renderToStaticMarkup(
      createElement(DeliveryTable, {
        deliveries: [
          delivery({ status: "pending", attempts: 1, lastStatus: 500, lastError: "HTTP 500", lastAttemptAt: "2026-11-28T10:01:02.000Z" }),
          delivery({ status: "failed", attempts: 6, lastError: "not delivered: connect ECONNREFUSED 127.0.0.1:9" }),
          delivery({ status: "delivered", attempts: 1, lastStatus: 200, deliveredAt: "2026-11-28T10:01:03.000Z" }),
        ],
      }),
    );
    const rows = html.split("<tr>").slice(2);
    expect(rows[0]).toMatch(/>pending<.*retrying.*>1<.*HTTP 500.*2026-11-28 10:01:02 UTC/);
    expect(rows[0]).not.toContain("HTTP 500 · HTTP 500");
    expect(rows[1]).toMatch(/>failed<.*>6<.*not delivered: connect ECONNREFUSED/);
    expect(rows[2]).toMatch(/>delivered<.*>1<.*HTTP 200.*2026-11-28 10:01:03 UTC/);
    expect(rows[2]).not.toContain("retrying");
  });

  it("says what to do when nothing was sent yet", () => {
    expect(renderToStaticMarkup(createElement(DeliveryTable, { deliveries: [] }))).toContain("Send test");
  });
});

describe("NewWebhookSecret", () => {
  it("shows the secret once with a copy button, says it will not be shown again, and how to verify a signature", () => {
    const html = renderToStaticMarkup(createElement(NewWebhookSecret, { name: "ops channel", secret: "whsec_abc", onDone: () => undefined }));
    expect(html).toContain("whsec_abc");
    expect(html).toContain(">Copy<");
    expect(html).toContain("you won&#x27;t see it again");
    expect(html).toContain("X-Cairn-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;");
    expect(html).toContain("HMAC-SHA256");
  });
});
