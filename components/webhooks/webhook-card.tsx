"use client";
import type { WebhookView } from "@/lib/webhooks/manage-webhooks.types";
import { formatUtc } from "@/lib/format-utc";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DeliveryLog } from "@/components/webhooks/delivery-log";
import { useDeleteWebhook, useTestWebhook } from "@/components/webhooks/use-webhooks";

/** One webhook: where it posts (masked), in which format, which events; Send test, Delete (confirmed) and its delivery log. */
export function WebhookCard({ project, hook, onDone }: { project: string; hook: WebhookView; onDone: (message: string) => void }) {
  const remove = useDeleteWebhook(project, hook.id, () => onDone(`Deleted webhook “${hook.name}”.`));
  const test = useTestWebhook(project, hook.id);
  const busy = remove.isPending || test.isPending;
  const failed = remove.error ?? test.error;

  return (
    <section className="rounded-lg border border-stone-200 bg-white shadow-sm" aria-labelledby={`webhook-${hook.id}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-stone-200 px-4 py-2">
        <h3 id={`webhook-${hook.id}`} className="text-sm font-semibold text-stone-900">
          {hook.name}
        </h3>
        <Badge tone="gray">{hook.format}</Badge>
        <div className="ml-auto flex gap-2">
          <Button size="xs" disabled={busy} onClick={() => test.mutate()}>
            {test.isPending ? "Sending…" : "Send test"}
          </Button>
          <Button
            variant="danger"
            size="xs"
            disabled={busy}
            onClick={() => {
              if (confirm(`Delete webhook “${hook.name}”? Cairn stops posting to ${hook.urlMasked} at once, and its delivery log goes too; the audit trail keeps the change.`)) {
                remove.mutate();
              }
            }}
          >
            Delete
          </Button>
        </div>
      </header>
      <div className="space-y-3 p-4">
        {failed && <Alert tone="error">{failed.message}</Alert>}
        <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[max-content_1fr]">
          <dt className="text-stone-500">URL</dt>
          <dd>
            <code className="break-all text-stone-800">{hook.urlMasked}</code> <span className="text-stone-400">(stored encrypted)</span>
          </dd>
          <dt className="text-stone-500">Events</dt>
          <dd className="font-mono text-stone-800">{hook.events.join(", ")}</dd>
          <dt className="text-stone-500">Added</dt>
          <dd className="text-stone-800">
            by {hook.createdBy}, {formatUtc(new Date(hook.createdAt))}
          </dd>
        </dl>
        <div className="space-y-1">
          <h4 className="text-xs font-semibold tracking-wide text-stone-500 uppercase">Delivery log</h4>
          <DeliveryLog project={project} webhookId={hook.id} />
        </div>
      </div>
    </section>
  );
}
