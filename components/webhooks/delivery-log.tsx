"use client";
import type { WebhookDeliveryView } from "@/lib/webhooks/manage-webhooks.types";
import { formatUtc } from "@/lib/format-utc";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { useWebhookDeliveries } from "@/components/webhooks/use-webhooks";

const STATUS_TONE: Record<string, BadgeTone> = { delivered: "green", failed: "red", pending: "amber" };

const when = (iso: string | null) => (iso ? formatUtc(new Date(iso)) : "—");

/** One webhook's delivery log, read again every 2 s while a delivery is pending. */
export function DeliveryLog({ project, webhookId }: { project: string; webhookId: string }) {
  const log = useWebhookDeliveries(project, webhookId);
  if (log.isPending) return <p className="text-xs text-stone-500">Reading the delivery log…</p>;
  if (log.isError) return <Alert tone="error">{log.error.message}</Alert>;
  return <DeliveryTable deliveries={log.data} />;
}

/** The log's rows, newest first: what was sent, whether it arrived, after how many attempts, and the receiver's last answer. */
export function DeliveryTable({ deliveries }: { deliveries: WebhookDeliveryView[] }) {
  if (deliveries.length === 0) return <p className="text-xs text-stone-500">Nothing sent yet. “Send test” posts a test event; its outcome appears here.</p>;
  return (
    <div className="max-h-80 overflow-auto rounded-md border border-stone-200">
      <table className="min-w-full divide-y divide-stone-200 text-xs">
        <thead className="sticky top-0 bg-stone-50 text-left font-semibold tracking-wide text-stone-500 uppercase">
          <tr>
            <th className="px-3 py-2">Event</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Attempts</th>
            <th className="px-3 py-2">Last answer</th>
            <th className="px-3 py-2">Queued</th>
            <th className="px-3 py-2">Last attempt</th>
            <th className="px-3 py-2">Delivered</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td className="px-3 py-2 font-mono text-stone-800">{d.event}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                <Badge tone={STATUS_TONE[d.status] ?? "gray"}>{d.status}</Badge>
                {d.status === "pending" && d.attempts > 0 && <span className="ml-1 text-amber-900">retrying</span>}
              </td>
              <td className="px-3 py-2 text-stone-800">{d.attempts}</td>
              <td className="px-3 py-2">
                <LastAnswer delivery={d} />
              </td>
              <td className="px-3 py-2 whitespace-nowrap text-stone-600">{when(d.createdAt)}</td>
              <td className="px-3 py-2 whitespace-nowrap text-stone-600">{when(d.lastAttemptAt)}</td>
              <td className="px-3 py-2 whitespace-nowrap text-stone-600">{when(d.deliveredAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The receiver's last HTTP status, and the error when it says more than the status (no answer, a refused redirect); the server masked it. */
function LastAnswer({ delivery: d }: { delivery: WebhookDeliveryView }) {
  const status = d.lastStatus === null ? null : `HTTP ${d.lastStatus}`;
  const error = d.lastError && d.lastError !== status ? d.lastError : null;
  if (!status && !error) return <span className="text-stone-400">—</span>;
  return (
    <span className={d.lastStatus !== null && d.lastStatus < 300 ? "text-stone-800" : "text-red-800"}>
      {status}
      {status && error ? " · " : ""}
      {error && <span className="break-all">{error}</span>}
    </span>
  );
}
