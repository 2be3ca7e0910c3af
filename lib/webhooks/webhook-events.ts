import { createHmac } from "node:crypto";

/**
 * What a webhook can subscribe to (issue 17). Emitted through emitEvent (lib/webhooks/emit-event.ts),
 * each in the transaction of the state change it reports; "webhook.test" is what an admin's Test
 * button sends. The run events follow a run's status (lib/webhooks/emit-run-event.ts): requested
 * (every request), awaiting_approval (also, when it needs a second person), approved, rejected,
 * cancelled (withdrawn, stopped, or could not start), stale (the environment or the files changed:
 * it can never run as reviewed), then succeeded, failed or interrupted.
 */
export const WEBHOOK_EVENTS = ["run.requested", "run.awaiting_approval", "run.approved", "run.rejected", "run.cancelled", "run.stale", "run.succeeded", "run.failed", "run.interrupted", "drift.found", "graph.new_head"] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number] | "webhook.test";

export const WEBHOOK_FORMATS = ["slack", "json"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** An event as stored in the delivery log and sent: never a secret (no URL, no password). */
export interface WebhookPayload {
  event: WebhookEvent;
  project: string;
  /** One line for people: "Production upgraded to 3f2a… by alice@example.com". */
  summary: string;
  /** ISO time the event happened. */
  occurredAt: string;
  /** Event-specific facts: environment, run id, revisions, … */
  data: Record<string, unknown>;
}

/**
 * The body posted: Slack-compatible ({ text, blocks }: an incoming webhook, or anything that reads
 * Slack's format) or Cairn's generic JSON (the payload, with the delivery's id to deduplicate on).
 */
export function buildWebhookBody(format: WebhookFormat, deliveryId: string, p: WebhookPayload): string {
  if (format === "slack") {
    // A link to the page when Cairn knows its public URL (CAIRN_PUBLIC_URL); Slack's <url|text> syntax.
    const url = typeof p.data.url === "string" && /^https?:\/\/[^\s|<>]+$/.test(p.data.url) ? p.data.url : null;
    return JSON.stringify({
      text: `[${p.project}] ${p.summary}`,
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(p.project)}* — ${escapeSlack(p.summary)}${url ? ` <${url}|Open in Cairn>` : ""}` } },
        { type: "context", elements: [{ type: "mrkdwn", text: `${p.event} · ${p.occurredAt}` }] },
      ],
    });
  }
  return JSON.stringify({ id: deliveryId, event: p.event, project: p.project, occurredAt: p.occurredAt, summary: p.summary, data: p.data });
}

/** Slack's mrkdwn treats &, < and > as markup. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The signature header's name. */
export const SIGNATURE_HEADER = "X-Cairn-Signature";

/**
 * `X-Cairn-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook's secret>`.
 * A receiver recomputes v1 over the exact bytes it received and refuses a t more than 5 minutes
 * from its clock, so a captured request cannot be replayed later.
 */
export function signWebhookBody(secret: string, body: string, timestampSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${v1}`;
}

/**
 * A webhook URL for display and logs: userinfo, every query value and token-like path segments
 * (Slack's `/services/T…/B…/<token>`, and any segment of 16+ characters mixing letters and digits)
 * become `****`. What is left says where deliveries go.
 */
export function maskWebhookUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "****";
  }
  const userinfo = u.username || u.password ? "****@" : "";
  const slack = /(^|\.)slack\.com$/i.test(u.hostname);
  const segments = u.pathname.split("/").map((s, i, all) => {
    if (!s) return s;
    if (slack && i === all.length - 1 && all.length > 2) return "****";
    return s.length >= 16 && /[A-Za-z]/.test(s) && /\d/.test(s) ? "****" : s;
  });
  const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=****`).join("&");
  return `${u.protocol}//${userinfo}${u.host}${segments.join("/")}${query ? `?${query}` : ""}`;
}
