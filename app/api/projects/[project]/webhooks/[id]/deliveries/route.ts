// GET /api/projects/:project/webhooks/:id/deliveries — the delivery log: attempts, status, time, error (admin only).
import { json, route } from "@/lib/api/route";
import { listWebhookDeliveries } from "@/lib/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string; id: string }>("webhooks.manage", async ({ db, params }) => json({ deliveries: await listWebhookDeliveries(db, params.project, params.id) }));
