"use client";
import { useState, useTransition } from "react";
import { ZProjectInputSchema, ZProjectUpdateSchema } from "@/lib/projects/project.types";
import type { PublicProject } from "@/lib/projects/to-public-environment";
import { callApi } from "@/components/ui/call-api";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField, inputClass, invalidProps } from "@/components/projects/form-field";
import { fieldErrorsOf, formErrorsOf, joinWords, parseJsonObject, type FieldErrors } from "@/components/projects/form-values";

/**
 * Create (no `project`) or edit a project. Validates with the same zod schema as the server before
 * sending, and shows the server's field errors (e.g. an alembic path Cairn cannot read) in place.
 */
export function ProjectForm({ project, onDone, onCancel }: { project?: PublicProject; onDone: (message: string) => void; onCancel?: () => void }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = (field: string) => `project-${project?.id ?? "new"}-${field}`;

  const submit = (form: HTMLFormElement) => {
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "");
    const constants = parseJsonObject(text("constants"));
    const raw = {
      name: text("name"),
      alembicPath: text("alembicPath"),
      urlEnvVar: text("urlEnvVar").trim(),
      constants: constants.ok ? constants.value : {},
    };
    const parsed = (project ? ZProjectUpdateSchema : ZProjectInputSchema).safeParse(raw);
    const found = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
    if (!constants.ok) found.constants = [constants.message];
    setErrors(found);
    setFormError(null);
    if (!parsed.success || !constants.ok) return;
    startTransition(async () => {
      try {
        if (project) {
          await callApi("PATCH", `/api/projects/${encodeURIComponent(project.name)}`, parsed.data);
          onDone(`Saved project “${parsed.data.name ?? project.name}”.`);
        } else {
          await callApi("POST", "/api/projects", parsed.data);
          form.reset();
          onDone(`Registered project “${raw.name.trim()}”. Add its environments below.`);
        }
      } catch (e) {
        const refused = formErrorsOf(e);
        setErrors(refused.fieldErrors);
        setFormError(refused.message);
      }
    });
  };

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
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField id={id("name")} label="Name" errors={errors.name} hint="Letters, digits, '.', '_' and '-'.">
          <input id={id("name")} name="name" defaultValue={project?.name} required className={inputClass} {...invalidProps(id("name"), errors.name)} />
        </FormField>
        <FormField
          id={id("alembicPath")}
          label="Alembic path"
          errors={errors.alembicPath}
          hint="On the Cairn server, inside its projects root (CAIRN_PROJECTS_ROOT): an alembic.ini, *.ini or pyproject.toml, or the directory holding one. Relative paths are relative to that root."
        >
          <input
            id={id("alembicPath")}
            name="alembicPath"
            defaultValue={project?.alembicPath}
            required
            placeholder="/srv/shop/alembic.ini"
            className={`${inputClass} font-mono`}
            {...invalidProps(id("alembicPath"), errors.alembicPath)}
          />
        </FormField>
        {/* Read-only: a program Cairn runs as its own user is the operator's to choose (cairn.config.json), never a form's. */}
        <FormField id={id("command")} label="Command (read-only)" errors={errors.command} hint={'The program Cairn runs, as its own user, for this project. Set it only in cairn.config.json ("command"), on the server.'}>
          <input id={id("command")} readOnly aria-readonly="true" value={joinWords(project?.command ?? ["alembic"])} className={`${inputClass} bg-stone-100 font-mono text-stone-600`} />
        </FormField>
        <FormField id={id("urlEnvVar")} label="URL environment variable" errors={errors.urlEnvVar} hint="The variable through which env.py receives the database URL.">
          <input id={id("urlEnvVar")} name="urlEnvVar" defaultValue={project?.urlEnvVar ?? "DATABASE_URL"} className={`${inputClass} font-mono`} {...invalidProps(id("urlEnvVar"), errors.urlEnvVar)} />
        </FormField>
        <FormField id={id("xArgs")} label="-x arguments (read-only)" errors={errors.xArgs} hint={'Passed to every Alembic run. Set them only in cairn.config.json ("xArgs"), on the server.'}>
          <textarea id={id("xArgs")} readOnly aria-readonly="true" rows={3} value={(project?.xArgs ?? []).join("\n")} className={`${inputClass} bg-stone-100 font-mono text-stone-600`} />
        </FormField>
        <FormField id={id("constants")} label="Constants (JSON)" errors={errors.constants} hint={'Values for names used in migration files, e.g. {"cli.EXPAND_BRANCH": "expand"}.'}>
          <textarea id={id("constants")} name="constants" rows={3} defaultValue={JSON.stringify(project?.constants ?? {}, null, 2)} className={`${inputClass} font-mono`} {...invalidProps(id("constants"), errors.constants)} />
        </FormField>
      </div>
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? "Saving…" : project ? "Save project" : "Register project"}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
