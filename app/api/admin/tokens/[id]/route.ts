// DELETE /api/admin/tokens/:id — revoke anyone's API token; refused from its next request on (admin session only, audited).
import { getDb } from "@/lib/db/client";
import { withRole } from "@/lib/auth/with-role";
import { revokeApiToken } from "@/lib/auth/manage-api-tokens";

export const DELETE = withRole<{ id: string }>("admin.tokens", async (_req, { params, actor }) => {
  const { id } = await params;
  const summary = await revokeApiToken(await getDb(), actor, id);
  return Response.json({ summary }, { headers: { "cache-control": "no-store" } });
});
