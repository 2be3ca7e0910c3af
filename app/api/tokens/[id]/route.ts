// DELETE /api/tokens/:id — revoke one of your own API tokens; refused from its next request on (audited).
import { json, route } from "@/lib/api/route";
import { revokeApiToken } from "@/lib/auth/manage-api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>("tokens.own", async ({ db, actor, params }) => json({ summary: await revokeApiToken(db, actor, params.id, { ownerId: actor.userId }) }));
