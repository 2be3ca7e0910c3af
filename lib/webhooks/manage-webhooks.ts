import "server-only";
import { randomBytes } from "node:crypto";
import type { Prisma, PrismaClient, Webhook, WebhookDelivery } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { getProjectOrThrow } from "@/lib/projects/get-project-or-throw";
import { encryptSecret } from "@/lib/secrets/encrypt-secret";
import { queueWebhookDelivery } from "@/lib/webhooks/emit-event";
import type { TCreateWebhook, WebhookDeliveryView, WebhookView } from "@/lib/webhooks/manage-webhooks.types";
import { maskWebhookUrl } from "@/lib/webhooks/webhook-events";

type Db = PrismaClient | Prisma.TransactionClient;

function toView(w: Webhook): WebhookView {
  return { id: w.id, name: w.name, urlMasked: w.urlMasked, format: w.format, events: w.events, createdBy: w.createdBy, createdAt: w.createdAt.toISOString() };
}

function toDeliveryView(d: WebhookDelivery): WebhookDeliveryView {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

async function getWebhookOrThrow(db: Db, project: string, id: string): Promise<Webhook & { projectId: string }> {
  const p = await getProjectOrThrow(db, project);
  const hook = await db.webhook.findFirst({ where: { id, projectId: p.id } });
  if (!hook) throw new AppError("not-found", `webhook ${id} not found in ${project}`, `Project "${project}" has no such webhook. Reload the list: it may have been removed.`);
  return hook;
}

export async function listWebhooks(db: Db, project: string): Promise<WebhookView[]> {
  const p = await getProjectOrThrow(db, project);
  return (await db.webhook.findMany({ where: { projectId: p.id }, orderBy: { createdAt: "asc" } })).map(toView);
}

/**
 * Adds a webhook: URL and a generated signing secret stored encrypted (lib/secrets), the URL shown
 * masked from now on. The secret is returned this once, for the receiver's configuration. Audited
 * with the masked URL only.
 */
export async function createWebhook(db: PrismaClient, actor: Actor, project: string, input: TCreateWebhook, o: { key?: Buffer }): Promise<{ webhook: WebhookView; secret: string }> {
  if (!o.key) {
    throw new AppError("config", "no secret key for webhooks", "Webhook URLs and secrets are stored encrypted, and this Cairn has no CAIRN_SECRET_KEY. Set it (see the README), restart, and add the webhook again.");
  }
  const key = o.key;
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const urlMasked = maskWebhookUrl(input.url);
  const hook = await db.$transaction(async (tx) => {
    const p = await getProjectOrThrow(tx, project);
    const created = await tx.webhook.create({
      data: {
        projectId: p.id,
        name: input.name,
        urlEncrypted: encryptSecret(input.url, key),
        urlMasked,
        format: input.format,
        events: input.events,
        secretEncrypted: encryptSecret(secret, key),
        createdBy: actor.email,
      },
    });
    await recordAudit(tx, { actor, action: "webhook.create", projectId: p.id, outcome: "ok", details: { webhookId: created.id, name: input.name, url: urlMasked, format: input.format, events: input.events } });
    return created;
  });
  return { webhook: toView(hook), secret };
}

export async function deleteWebhook(db: PrismaClient, actor: Actor, project: string, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const hook = await getWebhookOrThrow(tx, project, id);
    await tx.webhook.delete({ where: { id: hook.id } });
    await recordAudit(tx, { actor, action: "webhook.delete", projectId: hook.projectId, outcome: "ok", details: { webhookId: hook.id, name: hook.name, url: hook.urlMasked } });
  });
}

/** Queues a "webhook.test" delivery to this webhook whatever it subscribes to; its outcome shows in the log. Audited. */
export async function testWebhook(db: PrismaClient, actor: Actor, project: string, id: string): Promise<WebhookDeliveryView> {
  return db.$transaction(async (tx) => {
    const hook = await getWebhookOrThrow(tx, project, id);
    const delivery = await queueWebhookDelivery(tx, hook.id, project, { event: "webhook.test", summary: `Test from Cairn, sent by ${actor.email}` });
    await recordAudit(tx, { actor, action: "webhook.test", projectId: hook.projectId, outcome: "ok", details: { webhookId: hook.id, url: hook.urlMasked } });
    return toDeliveryView(delivery);
  });
}

/** The webhook's last 100 deliveries, newest first (admins only: see webhooks.manage). */
export async function listWebhookDeliveries(db: Db, project: string, id: string): Promise<WebhookDeliveryView[]> {
  const hook = await getWebhookOrThrow(db, project, id);
  return (await db.webhookDelivery.findMany({ where: { webhookId: hook.id }, orderBy: { createdAt: "desc" }, take: 100 })).map(toDeliveryView);
}
