"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { PublicEnvironment, PublicProject } from "@/lib/projects/to-public-environment";
import type { ConnectionTestResult } from "@/lib/projects/test-environment-connection.types";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";
import { EnvironmentForm } from "@/components/projects/environment-form";
import { ProjectForm } from "@/components/projects/project-form";
import { joinWords } from "@/components/projects/form-values";

const TEST_TONE: Record<string, BadgeTone> = { current: "green", behind: "amber", empty: "amber", uninitialized: "amber", "unknown-revision": "red", unreachable: "red" };

/**
 * Projects and their environments: register, edit, delete (with confirmation), reorder and test
 * connections. Every call goes to /api/projects…, which checks the admin role itself. URLs are
 * only ever shown masked, and projects from cairn.config.json are read-only.
 */
export function ProjectsAdmin({ projects }: { projects: PublicProject[] }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [adding, setAdding] = useState(projects.length === 0);

  const done = (message: string) => {
    setNotice(message);
    router.refresh();
  };

  return (
    <div className="space-y-6">
      {notice && <Alert tone="success">{notice}</Alert>}
      {projects.length === 0 && <p className="text-sm text-stone-500">No projects yet. Register one below, or declare it in cairn.config.json.</p>}
      {projects.map((p) => (
        <ProjectCard key={p.id} project={p} onDone={done} />
      ))}
      <section className="rounded-lg border border-stone-200 bg-white p-4">
        <div className="flex items-center justify-between">
          <h2 className="text-sm font-semibold text-stone-800">Register a project</h2>
          {!adding && (
            <Button size="xs" onClick={() => setAdding(true)}>
              New project
            </Button>
          )}
        </div>
        {adding && (
          <div className="mt-3">
            <ProjectForm onDone={done} onCancel={projects.length ? () => setAdding(false) : undefined} />
          </div>
        )}
      </section>
    </div>
  );
}

function ProjectCard({ project, onDone }: { project: PublicProject; onDone: (message: string) => void }) {
  const readOnly = project.source === "config";
  const [editing, setEditing] = useState(false);
  const [addingEnv, setAddingEnv] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const base = `/api/projects/${encodeURIComponent(project.name)}`;

  const act = (work: () => Promise<unknown>, message: string) =>
    startTransition(async () => {
      setError(null);
      try {
        await work();
        onDone(message);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    });

  const move = (index: number, by: -1 | 1) => {
    const order = project.environments.map((e) => e.name);
    const [moved] = order.splice(index, 1);
    order.splice(index + by, 0, moved!);
    act(() => callApi("PUT", `${base}/envs/order`, { order }), `Promotion order of “${project.name}”: ${order.join(" → ")}.`);
  };

  return (
    <section className="rounded-lg border border-stone-200 bg-white shadow-sm" aria-labelledby={`project-${project.id}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-stone-200 px-4 py-2">
        <h2 id={`project-${project.id}`} className="text-sm font-semibold text-stone-900">
          {project.name}
        </h2>
        {readOnly ? <Badge tone="violet">cairn.config.json · read-only</Badge> : <Badge tone="gray">managed here</Badge>}
        {!readOnly && (
          <div className="ml-auto flex gap-2">
            <Button size="xs" disabled={pending} onClick={() => setEditing(!editing)}>
              {editing ? "Close" : "Edit"}
            </Button>
            <Button
              variant="danger"
              size="xs"
              disabled={pending}
              onClick={() => {
                const envs = project.environments.length;
                if (confirm(`Delete project “${project.name}”${envs ? ` and its ${envs} environment${envs === 1 ? "" : "s"}` : ""}? Its run history goes too; the audit trail stays. The databases themselves are not touched.`)) {
                  act(() => callApi("DELETE", base), `Deleted project “${project.name}”.`);
                }
              }}
            >
              Delete
            </Button>
          </div>
        )}
      </header>
      <div className="space-y-4 p-4">
        {readOnly && <p className="rounded-md border border-violet-200 bg-violet-50 px-3 py-2 text-xs text-violet-900">Declared in cairn.config.json, so it is read-only here. Change it in that file and restart Cairn.</p>}
        {error && <Alert tone="error">{error}</Alert>}
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
          <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[max-content_1fr]">
            <dt className="text-stone-500">Alembic path</dt>
            <dd className="font-mono break-all text-stone-800">{project.alembicPath}</dd>
            <dt className="text-stone-500">Command</dt>
            <dd className="font-mono text-stone-800">{joinWords(project.command)}</dd>
            <dt className="text-stone-500">URL variable</dt>
            <dd className="font-mono text-stone-800">{project.urlEnvVar}</dd>
            {project.xArgs.length > 0 && (
              <>
                <dt className="text-stone-500">-x arguments</dt>
                <dd className="font-mono text-stone-800">{project.xArgs.join(" ")}</dd>
              </>
            )}
            {Object.keys(project.constants).length > 0 && (
              <>
                <dt className="text-stone-500">Constants</dt>
                <dd className="font-mono break-all text-stone-800">{JSON.stringify(project.constants)}</dd>
              </>
            )}
          </dl>
        )}

        <div className="overflow-x-auto rounded-md border border-stone-200">
          <table className="min-w-full divide-y divide-stone-200 text-sm">
            <thead className="bg-stone-50 text-left text-xs font-semibold tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="px-3 py-2">#</th>
                <th className="px-3 py-2">Environment</th>
                <th className="px-3 py-2">URL</th>
                <th className="px-3 py-2">Version table</th>
                <th className="px-3 py-2">Approvers</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {project.environments.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-3 py-4 text-center text-stone-500">
                    No environments yet.
                  </td>
                </tr>
              )}
              {project.environments.map((env, i) => (
                <EnvironmentRow
                  key={env.id}
                  projectName={project.name}
                  env={env}
                  readOnly={readOnly}
                  pending={pending}
                  onMove={!readOnly ? { up: i > 0 ? () => move(i, -1) : undefined, down: i < project.environments.length - 1 ? () => move(i, 1) : undefined } : undefined}
                  onDelete={() => {
                    if (confirm(`Delete environment “${env.name}” of “${project.name}”? Its runs, sign-offs and baselines in Cairn go too; the database itself is not touched.`)) {
                      act(() => callApi("DELETE", `${base}/envs/${encodeURIComponent(env.name)}`), `Deleted environment “${env.name}”.`);
                    }
                  }}
                  onDone={onDone}
                />
              ))}
            </tbody>
          </table>
        </div>
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

function EnvironmentRow({
  projectName,
  env,
  readOnly,
  pending,
  onMove,
  onDelete,
  onDone,
}: {
  projectName: string;
  env: PublicEnvironment;
  readOnly: boolean;
  pending: boolean;
  onMove?: { up?: () => void; down?: () => void };
  onDelete: () => void;
  onDone: (message: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [test, setTest] = useState<{ result?: ConnectionTestResult; error?: string } | null>(null);
  const [testing, startTest] = useTransition();
  const path = `/api/projects/${encodeURIComponent(projectName)}/envs/${encodeURIComponent(env.name)}`;

  const runTest = () =>
    startTest(async () => {
      setTest(null);
      try {
        setTest({ result: await callApi<ConnectionTestResult>("POST", `${path}/test`) });
      } catch (e) {
        setTest({ error: e instanceof Error ? e.message : String(e) });
      }
    });

  return (
    <>
      <tr>
        <td className="px-3 py-2 text-xs text-stone-500">{env.position + 1}</td>
        <td className="px-3 py-2">
          <span className="font-medium text-stone-900">{env.name}</span> {env.protected && <Badge tone="red">protected</Badge>}
        </td>
        <td className="px-3 py-2">
          <code className="text-xs break-all text-stone-700">{env.urlMasked}</code>
          {env.urlKind === "literal" && <span className="ml-1 text-xs text-stone-400">(stored encrypted)</span>}
        </td>
        <td className="px-3 py-2 font-mono text-xs text-stone-700">
          {env.versionTableSchema ? `${env.versionTableSchema}.` : ""}
          {env.versionTable}
        </td>
        <td className="px-3 py-2 text-xs text-stone-700">{env.approvers.length ? env.approvers.join(", ") : <span className="text-stone-400">any release manager</span>}</td>
        <td className="space-x-1 px-3 py-2 text-right whitespace-nowrap">
          {onMove && (
            <>
              <Button size="xs" disabled={pending || !onMove.up} onClick={onMove.up} aria-label={`Move ${env.name} earlier in the promotion order`} title="Earlier in promotion order">
                ↑
              </Button>
              <Button size="xs" disabled={pending || !onMove.down} onClick={onMove.down} aria-label={`Move ${env.name} later in the promotion order`} title="Later in promotion order">
                ↓
              </Button>
            </>
          )}
          <Button size="xs" disabled={testing} onClick={runTest}>
            {testing ? "Testing…" : "Test connection"}
          </Button>
          {!readOnly && (
            <>
              <Button size="xs" disabled={pending} onClick={() => setEditing(!editing)}>
                {editing ? "Close" : "Edit"}
              </Button>
              <Button variant="danger" size="xs" disabled={pending} onClick={onDelete}>
                Delete
              </Button>
            </>
          )}
        </td>
      </tr>
      {test && (
        <tr>
          <td />
          <td colSpan={5} className="px-3 pb-3 text-sm" role="status">
            {test.result ? (
              <p className="flex flex-wrap items-center gap-2">
                <Badge tone={test.result.state ? (TEST_TONE[test.result.state] ?? "gray") : test.result.connected ? "gray" : "red"}>{test.result.state ?? (test.result.connected ? "connected" : "unreachable")}</Badge>
                <span className="text-stone-800">{test.result.summary}</span>
                <span className="text-xs text-stone-400">{test.result.durationMs} ms</span>
              </p>
            ) : (
              <p className="text-red-800">{test.error}</p>
            )}
          </td>
        </tr>
      )}
      {editing && (
        <tr>
          <td />
          <td colSpan={5} className="px-3 pb-3">
            <EnvironmentForm
              projectName={projectName}
              environment={env}
              onDone={(m) => {
                setEditing(false);
                onDone(m);
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}
