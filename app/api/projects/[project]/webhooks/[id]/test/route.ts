// POST /api/projects/:project/webhooks/:id/test — queue a test delivery (admin only, audited); its outcome shows in the log.
import { json, route } from "@/lib/api/route";
import { testWebhook } from "@/lib/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const POST = route<{ project: string; id: string }>("webhooks.manage", async ({ db, actor, params }) => json({ delivery: await testWebhook(db, actor, params.project, params.id) }, 202));
