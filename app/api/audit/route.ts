// GET /api/audit?project=&environment=&actor=&action=&outcome=&from=&to=&cursor=&limit= — the audit trail, newest first (any signed-in user; it holds no secrets).
import { withRole } from "@/lib/auth/with-role";
import { getDb } from "@/lib/db/client";
import { ZAuditQuery } from "@/lib/audit/audit-query.types";
import { listAuditEvents } from "@/lib/audit/list-audit-events";

export const dynamic = "force-dynamic";

export const GET = withRole("audit.read", async (req) => {
  const q = ZAuditQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const page = await listAuditEvents(await getDb(), q);
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});
