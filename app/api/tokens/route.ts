// GET /api/tokens — your own API tokens; POST /api/tokens — create one acting as you, secret returned once (audited).
import { getDb } from "@/lib/db/client";
import { readJsonBody } from "@/lib/api/read-json-body";
import { withRole } from "@/lib/auth/with-role";
import { createApiToken, listApiTokens } from "@/lib/auth/manage-api-tokens";

const noStore = { "cache-control": "no-store" };

export const GET = withRole("tokens.own", async (_req, { actor }) => Response.json({ tokens: await listApiTokens(await getDb(), { ownerId: actor.userId }) }, { headers: noStore }));

export const POST = withRole("tokens.own", async (req, { actor }) => {
  const { token, summary } = await createApiToken(await getDb(), actor, await readJsonBody(req));
  return Response.json({ token, summary }, { status: 201, headers: noStore });
});
