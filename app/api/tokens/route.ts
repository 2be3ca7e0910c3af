// GET /api/tokens — your own API tokens; POST /api/tokens — create one acting as you, secret returned once (audited).
import { json, route } from "@/lib/api/route";
import { createApiToken, listApiTokens, ZCreateApiTokenSchema } from "@/lib/auth/manage-api-tokens";

export const dynamic = "force-dynamic";

export const GET = route("tokens.own", async ({ db, actor }) => json({ tokens: await listApiTokens(db, { ownerId: actor.userId }) }));

export const POST = route<Record<string, never>, typeof ZCreateApiTokenSchema>("tokens.own", ZCreateApiTokenSchema, async ({ db, actor, body }) => json(await createApiToken(db, actor, body), 201));
