// GET /api/admin/tokens — every API token, whoever owns it (admin session only). Tokens are created by their owner: POST /api/tokens.
import { json, route } from "@/lib/api/route";
import { listApiTokens } from "@/lib/auth/manage-api-tokens";

export const dynamic = "force-dynamic";

export const GET = route("admin.tokens", async ({ db }) => json({ tokens: await listApiTokens(db) }));
