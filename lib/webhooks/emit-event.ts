import "server-only";
import type { Prisma, PrismaClient, WebhookDelivery } from "@/lib/generated/prisma/client";
import { enqueue } from "@/lib/jobs/enqueue";
import { deliverWebhookJob } from "@/lib/webhooks/deliver-webhook-job";
import type { WebhookEvent, WebhookPayload } from "@/lib/webhooks/webhook-events";

export interface EmittedEvent {
  projectId: string;
  event: WebhookEvent;
  /** One line for people, e.g. "production: drift found (2 tables changed)". Never a secret. */
  summary: string;
  /** Event-specific facts (environment, run id, revisions). Never a secret: it is stored and sent as is. */
  data?: Record<string, unknown>;
}

/**
 * Tells the project's webhooks that subscribe to `event`: one delivery row and one queued job each,
 * through `db` — pass the transaction of the state change, and the deliveries exist exactly when it
 * commits. Never waits for a receiver: the delivery job posts later, on whichever instance takes
 * it. Returns how many webhooks were told.
 */
export async function emitEvent(db: PrismaClient | Prisma.TransactionClient, e: EmittedEvent): Promise<number> {
  const hooks = await db.webhook.findMany({ where: { projectId: e.projectId, events: { has: e.event } }, select: { id: true, project: { select: { name: true } } } });
  for (const hook of hooks) await queueWebhookDelivery(db, hook.id, hook.project.name, e);
  return hooks.length;
}

/**
 * One delivery to one webhook: builds the payload (stamped now), stores the delivery row and queues
 * its job, through `db` (the caller's transaction). emitEvent does this for each subscriber, an
 * admin's Test button (testWebhook) for one webhook whatever it subscribes to.
 */
export async function queueWebhookDelivery(db: PrismaClient | Prisma.TransactionClient, webhookId: string, projectName: string, e: Omit<EmittedEvent, "projectId">): Promise<WebhookDelivery> {
  const payload: WebhookPayload = { event: e.event, project: projectName, summary: e.summary, occurredAt: new Date().toISOString(), data: e.data ?? {} };
  const delivery = await db.webhookDelivery.create({ data: { webhookId, event: e.event, payload: payload as unknown as Prisma.InputJsonValue } });
  await enqueue(db, deliverWebhookJob, { deliveryId: delivery.id });
  return delivery;
}
