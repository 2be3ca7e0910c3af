// DELETE /api/admin/tokens/:id — revoke anyone's API token; refused from its next request on (admin session only, audited).
import { json, route } from "@/lib/api/route";
import { revokeApiToken } from "@/lib/auth/manage-api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>("admin.tokens", async ({ db, actor, params }) => json({ summary: await revokeApiToken(db, actor, params.id) }));
