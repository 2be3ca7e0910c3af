// GET /api/audit/export.csv?<same filters as /api/audit> — every matching audit row as CSV, streamed.
import { route } from "@/lib/api/route";
import { ZAuditQuery } from "@/lib/audit/audit-query.types";
import { AUDIT_CSV_HEADER, auditCsvRow, csvRow } from "@/lib/audit/format-audit-csv";
import { iterateAuditEvents } from "@/lib/audit/list-audit-events";

export const dynamic = "force-dynamic";

export const GET = route("audit.read", async ({ db, req }) => {
  // Validate before the stream starts, so a bad filter is a 422 and not a truncated file.
  const q = ZAuditQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const filters = { project: q.project, environment: q.environment, actor: q.actor, action: q.action, outcome: q.outcome, from: q.from, to: q.to };
  const batches = iterateAuditEvents(db, filters);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(AUDIT_CSV_HEADER)));
    },
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(auditCsvRow).join("")));
      } catch (e) {
        console.error("[cairn] audit export failed mid-stream:", e);
        controller.error(new Error("audit export failed"));
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="cairn-audit-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
});
