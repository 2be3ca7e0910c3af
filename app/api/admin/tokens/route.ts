// GET /api/admin/tokens — list API tokens; POST /api/admin/tokens — create one, secret returned once (admin only, audited).
import { getDb } from "@/lib/db/client";
import { withRole } from "@/lib/auth/with-role";
import { createApiToken, listApiTokens } from "@/lib/auth/manage-api-tokens";

const noStore = { "cache-control": "no-store" };

export const GET = withRole(["admin"], async () => Response.json({ tokens: await listApiTokens(await getDb()) }, { headers: noStore }));

export const POST = withRole(["admin"], async (req, { actor }) => {
  const { token, summary } = await createApiToken(await getDb(), actor, await req.json());
  return Response.json({ token, summary }, { status: 201, headers: noStore });
});
