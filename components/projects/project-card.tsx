"use client";
import { useState } from "react";
import Link from "next/link";
import type { PublicProject } from "@/lib/projects/to-public-environment";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EnvironmentForm } from "@/components/projects/environment-form";
import { EnvironmentTable } from "@/components/projects/environment-table";
import { ProjectDetails } from "@/components/projects/project-details";
import { ProjectForm } from "@/components/projects/project-form";
import { useChangeProject } from "@/components/projects/use-change-project";

/**
 * One registered project: its settings (edit, delete with confirmation), its environments in
 * promotion order, and a form to add one. A project from cairn.config.json is shown read-only.
 */
export function ProjectCard({ project, onDone }: { project: PublicProject; onDone: (message: string) => void }) {
  const readOnly = project.source === "config";
  const [editing, setEditing] = useState(false);
  const [addingEnv, setAddingEnv] = useState(false);
  const change = useChangeProject(project.name, onDone);

  const move = (index: number, by: -1 | 1) => {
    const order = project.environments.map((e) => e.name);
    const [moved] = order.splice(index, 1);
    order.splice(index + by, 0, moved!);
    change.mutate({ kind: "reorder", order });
  };

  return (
    <section className="rounded-lg border border-stone-200 bg-white shadow-sm" aria-labelledby={`project-${project.id}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-stone-200 px-4 py-2">
        <h2 id={`project-${project.id}`} className="text-sm font-semibold text-stone-900">
          {project.name}
        </h2>
        {readOnly ? <Badge tone="violet">cairn.config.json · read-only</Badge> : <Badge tone="gray">managed here</Badge>}
        <div className="ml-auto flex gap-2">
          {/* Webhooks are kept in Cairn's store, so a project from cairn.config.json has them too. */}
          <Link href={`/admin/projects/${encodeURIComponent(project.name)}/webhooks`} className="rounded-md border border-stone-300 px-2 py-1 text-xs text-stone-700 hover:bg-stone-100">
            Webhooks
          </Link>
          {!readOnly && (
            <>
              <Button size="xs" disabled={change.isPending} onClick={() => setEditing(!editing)}>
                {editing ? "Close" : "Edit"}
              </Button>
              <Button
                variant="danger"
                size="xs"
                disabled={change.isPending}
                onClick={() => {
                  const envs = project.environments.length;
                  if (confirm(`Delete project “${project.name}”${envs ? ` and its ${envs} environment${envs === 1 ? "" : "s"}` : ""}? Its run history goes too; the audit trail stays. The databases themselves are not touched.`)) {
                    change.mutate({ kind: "delete-project" });
                  }
                }}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      </header>
      <div className="space-y-4 p-4">
        {readOnly && <p className="rounded-md border border-violet-200 bg-violet-50 px-3 py-2 text-xs text-violet-900">Declared in cairn.config.json, so it is read-only here. Change it in that file and restart Cairn.</p>}
        {change.isError && <Alert tone="error">{change.error.message}</Alert>}
        {editing ? (
          <ProjectForm
            project={project}
            onDone={(m) => {
              setEditing(false);
              onDone(m);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <ProjectDetails project={project} />
        )}
        <EnvironmentTable
          project={project}
          readOnly={readOnly}
          pending={change.isPending}
          onMove={move}
          onDelete={(env) => {
            if (confirm(`Delete environment “${env}” of “${project.name}”? Its runs, sign-offs and baselines in Cairn go too; the database itself is not touched.`)) {
              change.mutate({ kind: "delete-environment", environment: env });
            }
          }}
          onDone={onDone}
        />
        {!readOnly &&
          (addingEnv ? (
            <div className="rounded-md border border-stone-200 p-3">
              <h3 className="mb-2 text-xs font-semibold tracking-wide text-stone-500 uppercase">New environment</h3>
              <EnvironmentForm projectName={project.name} onDone={onDone} onCancel={() => setAddingEnv(false)} />
            </div>
          ) : (
            <Button size="xs" onClick={() => setAddingEnv(true)}>
              Add environment
            </Button>
          ))}
      </div>
    </section>
  );
}
