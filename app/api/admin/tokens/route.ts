// GET /api/admin/tokens — every API token, whoever owns it (admin session only). Tokens are created by their owner: POST /api/tokens.
import { getDb } from "@/lib/db/client";
import { withRole } from "@/lib/auth/with-role";
import { listApiTokens } from "@/lib/auth/manage-api-tokens";

export const GET = withRole("admin.tokens", async () => Response.json({ tokens: await listApiTokens(await getDb()) }, { headers: { "cache-control": "no-store" } }));
