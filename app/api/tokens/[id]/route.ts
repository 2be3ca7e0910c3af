// DELETE /api/tokens/:id — revoke one of your own API tokens; refused from its next request on (audited).
import { getDb } from "@/lib/db/client";
import { withRole } from "@/lib/auth/with-role";
import { revokeApiToken } from "@/lib/auth/manage-api-tokens";

export const DELETE = withRole<{ id: string }>("tokens.own", async (_req, { params, actor }) => {
  const { id } = await params;
  const summary = await revokeApiToken(await getDb(), actor, id, { ownerId: actor.userId });
  return Response.json({ summary }, { headers: { "cache-control": "no-store" } });
});
