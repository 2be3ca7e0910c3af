// GET /api/projects/:project/webhooks — the project's webhooks, URLs masked (admin only);
// POST — add one (admin only, audited); the answer carries its signing secret, this once.
import { json, route } from "@/lib/api/route";
import { createWebhook, listWebhooks } from "@/lib/webhooks/manage-webhooks";
import { ZCreateWebhookSchema } from "@/lib/webhooks/manage-webhooks.types";
import { getSecretKey } from "@/lib/secrets/get-secret-key";

export const dynamic = "force-dynamic";

export const GET = route<{ project: string }>("webhooks.manage", async ({ db, params }) => json({ webhooks: await listWebhooks(db, params.project) }));

export const POST = route<{ project: string }, typeof ZCreateWebhookSchema>("webhooks.manage", ZCreateWebhookSchema, async ({ db, actor, params, body }) =>
  json(await createWebhook(db, actor, params.project, body, { key: getSecretKey() }), 201),
);
