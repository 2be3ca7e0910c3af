import Link from "next/link";
import { Suspense } from "react";
import { DriftSummary } from "@/components/drift/drift-summary";
import { EditedFilesSummary } from "@/components/applied-files/edited-files-summary";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { RevisionId } from "@/components/ui/revision-id";
import { EnvironmentMatrix } from "@/components/envs/environment-matrix";
import { getOverviewStatus, listProjects } from "@/lib/server/project-view";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { userMessageOf } from "@/lib/errors";
import type { PublicProject } from "@/lib/projects/to-public-environment";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageActor("/");
  const projects = await listProjects();
  if (projects.length === 0) return <NoProjects />;
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Overview</h1>
      {projects.map((p) => (
        <div key={p.id} data-testid={`project-${p.name}`}>
          <ProjectSection project={p} />
        </div>
      ))}
    </div>
  );
}

async function ProjectSection({ project }: { project: PublicProject }) {
  let status;
  try {
    status = await getOverviewStatus(project.name);
  } catch (e) {
    console.error(`overview: project ${project.name} could not be read`, e);
    return (
      <Card title={project.name}>
        <p role="alert" className="text-red-800">
          This project could not be read: {userMessageOf(e)}
        </p>
        <p className="mt-1 text-sm text-stone-600">Alembic configuration: {project.alembicPath}</p>
      </Card>
    );
  }
  const errorCount = status.graphErrorCount;
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          {project.name}
          <span className="font-normal text-stone-500">
            {status.revisionCount} revisions · heads{" "}
            {status.heads.map((h) => (
              <span key={h} className="mr-1">
                <RevisionId id={h} />
              </span>
            ))}
          </span>
        </span>
      }
      actions={
        <span className="flex items-center gap-3 text-sm">
          {errorCount > 0 && (
            <Link href={`/projects/${encodeURIComponent(project.name)}/graph?problems=1`}>
              <Badge tone="red">
                {errorCount} graph {errorCount === 1 ? "problem" : "problems"}
              </Badge>
            </Link>
          )}
          <Link className="text-sky-700 hover:underline" href={`/projects/${encodeURIComponent(project.name)}/graph`}>
            Graph
          </Link>
        </span>
      }
    >
      {status.environments.length === 0 ? (
        <p className="text-stone-600">This project has no environments yet.</p>
      ) : (
        <EnvironmentMatrix project={project.name} initialStatus={status} environments={project.environments.map((e) => ({ name: e.name, protected: e.protected }))} />
      )}
      {/* Drift from the stored schema readings (no target database is read here), streamed in after the matrix. */}
      <Suspense fallback={<p className="mt-3 text-xs text-stone-500">Checking schemas for drift…</p>}>
        <DriftSummary projectName={project.name} />
      </Suspense>
      {/* Migrations edited after they were applied somewhere, from the matrix's own version-table readings: streamed in. */}
      <Suspense fallback={null}>
        <EditedFilesSummary projectName={project.name} readings={status.environments} />
      </Suspense>
    </Card>
  );
}

function NoProjects() {
  return (
    <Card title="No projects yet">
      <p className="text-stone-700">
        Cairn watches Alembic projects. Declare one in <code>cairn.config.json</code> next to where Cairn runs (or point <code>CAIRN_CONFIG</code> at it), then restart:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-stone-900 p-3 text-xs text-stone-100">{`{ "projects": [ { "name": "shop", "alembic": "./alembic.ini",
  "environments": [
    { "name": "qa", "url": "env:CAIRN_ENV_QA_DATABASE_URL" },
    { "name": "production", "url": "env:CAIRN_ENV_PROD_DATABASE_URL", "protected": true } ] } ] }`}</pre>
    </Card>
  );
}
