// GET /api/audit?project=&environment=&actor=&action=&outcome=&from=&to=&cursor=&limit= — the audit trail, newest first (any signed-in user; it holds no secrets).
import { json, route } from "@/lib/api/route";
import { ZAuditQuery } from "@/lib/audit/audit-query.types";
import { listAuditEvents } from "@/lib/audit/list-audit-events";

export const dynamic = "force-dynamic";

export const GET = route("audit.read", async ({ db, req }) => json(await listAuditEvents(db, ZAuditQuery.parse(Object.fromEntries(new URL(req.url).searchParams)))));
