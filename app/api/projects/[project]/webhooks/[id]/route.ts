// DELETE /api/projects/:project/webhooks/:id — remove a webhook and its delivery log (admin only, audited).
import { json, route } from "@/lib/api/route";
import { deleteWebhook } from "@/lib/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const DELETE = route<{ project: string; id: string }>("webhooks.manage", async ({ db, actor, params }) => {
  await deleteWebhook(db, actor, params.project, params.id);
  return json({ ok: true });
});
