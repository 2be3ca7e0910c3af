"use client";
import { useState } from "react";
import type { WebhookView } from "@/lib/webhooks/manage-webhooks.types";
import { Alert } from "@/components/ui/alert";
import { NewWebhookSecret, SignatureHelp } from "@/components/webhooks/new-webhook-secret";
import { WebhookCard } from "@/components/webhooks/webhook-card";
import { WebhookForm } from "@/components/webhooks/webhook-form";
import { useWebhooks } from "@/components/webhooks/use-webhooks";

/**
 * A project's webhooks: each with its masked URL, events and delivery log; a form to add one (its
 * signing secret shown once); how receivers verify signatures. Every call goes to
 * /api/projects/:project/webhooks…, which checks the admin role itself.
 */
export function WebhooksAdmin({ project, initial, events, formats }: { project: string; initial: WebhookView[]; events: readonly string[]; formats: readonly string[] }) {
  const hooks = useWebhooks(project, initial);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="space-y-6">
      <p className="text-sm text-stone-600">
        Cairn posts this project&apos;s events (runs requested, approved, finished; drift; new heads) to these URLs, each request signed with the webhook&apos;s secret. A failed delivery is retried for about five minutes; each
        attempt shows in the webhook&apos;s delivery log.
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {created && <NewWebhookSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />}
      {hooks.isError && <Alert tone="error">{hooks.error.message}</Alert>}
      {hooks.data.length === 0 && <p className="text-sm text-stone-500">No webhooks yet. Add one below.</p>}
      {hooks.data.map((h) => (
        <WebhookCard key={h.id} project={project} hook={h} onDone={setNotice} />
      ))}
      <section className="rounded-lg border border-stone-200 bg-white p-4" aria-labelledby="webhook-new">
        <h2 id="webhook-new" className="mb-3 text-sm font-semibold text-stone-800">
          Add a webhook
        </h2>
        <WebhookForm
          project={project}
          events={events}
          formats={formats}
          onCreated={({ webhook, secret }) => {
            setNotice(null);
            setCreated({ name: webhook.name, secret });
          }}
        />
      </section>
      <SignatureHelp />
    </div>
  );
}
