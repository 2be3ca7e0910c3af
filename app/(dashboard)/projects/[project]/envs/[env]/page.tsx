import Link from "next/link";
import { notFound } from "next/navigation";
import { PendingLint } from "@/components/envs/pending-lint";
import { StateBadge } from "@/components/envs/state-badge";
import { EnvironmentActions } from "@/components/runs/environment-actions";
import { RunTable } from "@/components/runs/run-table";
import { StampForm } from "@/components/runs/stamp-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RevisionId } from "@/components/ui/revision-id";
import { can } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { listRuns } from "@/lib/runs/get-run";
import { refreshStaleRequests } from "@/lib/runs/mark-stale-requests";
import { getSecretKey } from "@/lib/secrets/get-secret-key";
import { getProjectGraph, getProjectStatus } from "@/lib/server/project-view";
import { requirePageActor } from "@/lib/server/require-page-actor";

export const dynamic = "force-dynamic";

export default async function EnvironmentPage({ params }: { params: Promise<{ project: string; env: string }> }) {
  const { project: projectName, env: envName } = await params;
  const actor = await requirePageActor(`/projects/${encodeURIComponent(projectName)}/envs/${encodeURIComponent(envName)}`);
  let data;
  try {
    data = await getProjectGraph(projectName);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const { project, graph } = data;
  const index = project.environments.findIndex((e) => e.name === envName);
  const env = project.environments[index];
  if (!env) notFound();
  const previous = index > 0 ? project.environments[index - 1]!.name : null;
  const db = await getDb();
  // A request waiting from a state this environment has left is listed as stale.
  await refreshStaleRequests(db, { project: projectName, environment: envName }, { key: getSecretKey(), noticedBy: actor.email });
  const [status, runs] = await Promise.all([getProjectStatus(projectName, data), listRuns(db, { project: projectName, environment: envName, limit: 30 })]);
  const s = status.environments.find((e) => e.name === envName);
  const message = (id: string) => graph.revisions.get(id)?.message ?? "";
  const revisions = graph.history.map((id) => ({ revision: id, message: message(id) }));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">
          <Link href="/" className="text-stone-500 hover:underline">
            {project.name}
          </Link>{" "}
          / {env.name}
        </h1>
        {env.protected && <Badge tone="red">protected</Badge>}
        {s && <StateBadge state={s.state} />}
      </div>
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="Where it stands">
          {!s || s.state === "unreachable" ? (
            <p role="alert" className="text-red-800">
              {s?.error ?? "Not read."}
            </p>
          ) : (
            <div className="space-y-3 text-sm">
              <div>
                <h3 className="font-medium">Current revision{s.revisions.length === 1 ? "" : "s"}</h3>
                {s.revisions.length === 0 ? (
                  <p className="text-stone-600">base (nothing applied)</p>
                ) : (
                  <ul data-testid="current-revisions">
                    {s.revisions.map((r) => (
                      <li key={r}>
                        <RevisionId id={r} /> {message(r)}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3 className="font-medium">Pending ({s.pending.length})</h3>
                {s.pending.length === 0 ? (
                  <p className="text-stone-600">Nothing pending.</p>
                ) : (
                  <ol className="list-decimal pl-5" data-testid="pending-revisions">
                    {s.pending.map((r) => (
                      <li key={r}>
                        <RevisionId id={r} /> {message(r)}
                      </li>
                    ))}
                  </ol>
                )}
              </div>
              <PendingLint project={project.name} pending={s.pending} />
              {previous && <p className="text-stone-600">Promoted from {previous}.</p>}
              {env.protected && <p className="text-stone-600">Protected: runs need QA sign-off, typed confirmation and approval by {env.approvers.length ? env.approvers.join(", ") : "a second release manager or admin"}.</p>}
            </div>
          )}
        </Card>
        <Card title="Run">
          <EnvironmentActions
            project={project.name}
            environment={env.name}
            previous={previous}
            revisions={revisions}
            current={s?.revisions ?? []}
            canRun={can(actor, "runs.request")}
            isAdmin={actor.role === "admin"}
            canAcknowledgeLint={can(actor, "lint.acknowledge")}
          />
        </Card>
      </div>
      {can(actor, "runs.stamp") && s && s.state !== "unreachable" && (
        <Card title="Stamp (recovery, runs no migration)">
          <StampForm project={project.name} environment={env.name} current={s.revisions} revisions={revisions} />
        </Card>
      )}
      <Card title={`Runs on ${env.name}`}>
        <RunTable runs={runs} showEnvironment={false} />
      </Card>
    </div>
  );
}
