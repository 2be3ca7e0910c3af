"use client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField, inputClass, invalidProps } from "@/components/projects/form-field";
import { formErrorsOf } from "@/components/projects/form-values";
import { useCreateWebhook, type CreatedWebhook } from "@/components/webhooks/use-webhooks";

const FORMAT_LABELS: Record<string, string> = {
  slack: "Slack ({ text, blocks }: an incoming webhook, or anything that reads Slack's format)",
  json: "JSON (Cairn's payload: id, event, project, occurredAt, summary, data)",
};

/**
 * Adds a webhook. The server parses the input with the shared zod schema (ZCreateWebhookSchema) and
 * its words for each refused field are shown under that field; on success the form is cleared (the
 * URL typed into it goes nowhere but the server) and `onCreated` gets the signing secret.
 */
export function WebhookForm({ project, events, formats, onCreated }: { project: string; events: readonly string[]; formats: readonly string[]; onCreated: (created: CreatedWebhook) => void }) {
  const create = useCreateWebhook(project);
  const refused = create.isError ? formErrorsOf(create.error) : null;
  const errors = refused?.fieldErrors ?? {};
  const id = (field: string) => `webhook-new-${field}`;

  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        const input = { name: String(f.get("name") ?? ""), url: String(f.get("url") ?? ""), format: String(f.get("format") ?? ""), events: f.getAll("events").map(String) };
        create.mutate(input, {
          onSuccess: (created) => {
            form.reset();
            onCreated(created);
          },
        });
      }}
    >
      {refused && <Alert tone="error">{refused.message}</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField id={id("name")} label="Name" errors={errors.name} hint="What the receiver is, e.g. “#releases on Slack”.">
          <input id={id("name")} name="name" required autoComplete="off" className={inputClass} {...invalidProps(id("name"), errors.name)} />
        </FormField>
        <FormField id={id("format")} label="Format" errors={errors.format}>
          <select id={id("format")} name="format" defaultValue={formats[0]} className={inputClass} {...invalidProps(id("format"), errors.format)}>
            {formats.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f] ?? f}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <FormField id={id("url")} label="URL" errors={errors.url} hint="Where Cairn posts each event. Stored encrypted and shown masked from now on: query values, credentials and token-like path segments never leave the server.">
        <input id={id("url")} name="url" type="url" required autoComplete="off" spellCheck={false} placeholder="https://hooks.slack.com/services/…" className={`${inputClass} font-mono`} {...invalidProps(id("url"), errors.url)} />
      </FormField>
      <fieldset className="space-y-1" {...invalidProps(id("events"), errors.events)}>
        <legend className="text-xs font-medium text-stone-700">Events</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {events.map((ev) => (
            <label key={ev} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="events" value={ev} /> <code className="text-xs">{ev}</code>
            </label>
          ))}
        </div>
        {errors.events?.length ? (
          <div id={`${id("events")}-error`} className="text-xs text-red-700">
            {errors.events.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        ) : (
          <p className="text-xs text-stone-500">“Send test” reaches the webhook whatever it subscribes to.</p>
        )}
      </fieldset>
      <Button type="submit" variant="primary" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add webhook"}
      </Button>
    </form>
  );
}
