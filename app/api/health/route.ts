// GET /api/health — liveness and the store in use; no sign-in, no secrets.
import { getStore } from "@/lib/db/client";
import { userMessageOf } from "@/lib/errors";
import { CAIRN_VERSION } from "@/lib/server/version";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const store = await getStore();
    await store.db.$queryRaw`SELECT 1`;
    return Response.json({ ok: true, version: CAIRN_VERSION, store: store.kind });
  } catch (e) {
    console.error("health: store unavailable", e);
    return Response.json({ ok: false, version: CAIRN_VERSION, error: userMessageOf(e) }, { status: 503 });
  }
}
