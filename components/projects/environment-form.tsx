"use client";
import { useState, useTransition } from "react";
import { ZEnvironmentInputSchema, ZEnvironmentUpdateSchema } from "@/lib/projects/environment.types";
import type { PublicEnvironment } from "@/lib/projects/to-public-environment";
import { callApi } from "@/components/ui/call-api";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField, inputClass, invalidProps } from "@/components/projects/form-field";
import { fieldErrorsOf, formErrorsOf, splitList, type FieldErrors } from "@/components/projects/form-values";

/**
 * Create (no `environment`) or edit an environment of `projectName`. The URL is write-only: the
 * form never holds the stored one, and leaving it blank when editing keeps it.
 */
export function EnvironmentForm({ projectName, environment, onDone, onCancel }: { projectName: string; environment?: PublicEnvironment; onDone: (message: string) => void; onCancel?: () => void }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = (field: string) => `env-${projectName}-${environment?.id ?? "new"}-${field}`;

  const submit = (form: HTMLFormElement) => {
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    const timeout = text("timeoutMs");
    const raw = {
      name: text("name"),
      // Blank on edit means "keep the stored URL": the key is left out, so the server never sees a change.
      ...(environment && text("url") === "" ? {} : { url: text("url") }),
      versionTable: text("versionTable"),
      versionTableSchema: text("versionTableSchema"),
      protected: f.get("protected") === "on",
      approvers: splitList(text("approvers"), /[\s,;]+/),
      timeoutMs: timeout === "" ? undefined : Number(timeout),
    };
    const parsed = (environment ? ZEnvironmentUpdateSchema : ZEnvironmentInputSchema).safeParse(raw);
    setFormError(null);
    if (!parsed.success) {
      setErrors(fieldErrorsOf(parsed.error.issues));
      return;
    }
    setErrors({});
    const base = `/api/projects/${encodeURIComponent(projectName)}/envs`;
    startTransition(async () => {
      try {
        if (environment) {
          await callApi("PATCH", `${base}/${encodeURIComponent(environment.name)}`, parsed.data);
          onDone(`Saved environment “${raw.name}”${"url" in raw ? " with its new URL" : ""}.`);
        } else {
          await callApi("POST", base, parsed.data);
          form.reset();
          onDone(`Added environment “${raw.name}” at the end of the promotion order.`);
        }
      } catch (e) {
        const refused = formErrorsOf(e);
        setErrors(refused.fieldErrors);
        setFormError(refused.message);
      }
    });
  };

  const urlHint = environment
    ? `Leave blank to keep the current URL (${environment.urlMasked}).`
    : "env:VARIABLE_NAME (read from Cairn's environment each time), or a postgresql://, mysql+pymysql:// or sqlite:/// URL, stored encrypted.";

  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      {formError && <Alert tone="error">{formError}</Alert>}
      <div className="grid gap-3 sm:grid-cols-3">
        <FormField id={id("name")} label="Name" errors={errors.name}>
          <input id={id("name")} name="name" defaultValue={environment?.name} required placeholder="staging" className={inputClass} {...invalidProps(id("name"), errors.name)} />
        </FormField>
        <div className="sm:col-span-2">
          <FormField id={id("url")} label="Database URL" errors={errors.url} hint={urlHint}>
            {/* type=password: a typed URL may hold a password; autocomplete off so browsers do not offer to save it. */}
            <input
              id={id("url")}
              name="url"
              type="password"
              autoComplete="off"
              required={!environment}
              placeholder={environment ? "(unchanged)" : "env:STAGING_DATABASE_URL"}
              className={`${inputClass} font-mono`}
              {...invalidProps(id("url"), errors.url)}
            />
          </FormField>
        </div>
        <FormField id={id("versionTable")} label="Version table" errors={errors.versionTable}>
          <input id={id("versionTable")} name="versionTable" defaultValue={environment?.versionTable ?? "alembic_version"} className={`${inputClass} font-mono`} {...invalidProps(id("versionTable"), errors.versionTable)} />
        </FormField>
        <FormField id={id("versionTableSchema")} label="Version table schema" errors={errors.versionTableSchema} hint="Blank for the default schema.">
          <input
            id={id("versionTableSchema")}
            name="versionTableSchema"
            defaultValue={environment?.versionTableSchema ?? ""}
            className={`${inputClass} font-mono`}
            {...invalidProps(id("versionTableSchema"), errors.versionTableSchema)}
          />
        </FormField>
        <FormField id={id("timeoutMs")} label="Read timeout (ms)" errors={errors.timeoutMs} hint="100 to 120000.">
          <input id={id("timeoutMs")} name="timeoutMs" type="number" min={100} max={120000} step={100} defaultValue={environment?.timeoutMs ?? 3000} className={inputClass} {...invalidProps(id("timeoutMs"), errors.timeoutMs)} />
        </FormField>
        <div className="sm:col-span-2">
          <FormField id={id("approvers")} label="Approvers (e-mails)" errors={errors.approvers} hint="Separated by commas or new lines. Empty: any release manager may approve.">
            <textarea id={id("approvers")} name="approvers" rows={2} defaultValue={(environment?.approvers ?? []).join("\n")} className={inputClass} {...invalidProps(id("approvers"), errors.approvers)} />
          </FormField>
        </div>
        <label className="flex items-center gap-2 self-start pt-5 text-sm text-stone-700">
          <input type="checkbox" name="protected" defaultChecked={environment?.protected ?? false} /> Protected (stricter gates for runs here)
        </label>
      </div>
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? "Saving…" : environment ? "Save environment" : "Add environment"}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
