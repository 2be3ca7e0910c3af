import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { RevisionCoverage } from "@/components/signoffs/revision-coverage";
import { SignOffForm } from "@/components/signoffs/signoff-form";
import { SignOffList } from "@/components/signoffs/signoff-list";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { getProjectGraph } from "@/lib/server/project-view";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { listSignOffs } from "@/lib/signoffs/list-signoffs";

export const dynamic = "force-dynamic";

export default async function SignOffsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: projectName } = await params;
  const actor = await requirePageActor(`/projects/${encodeURIComponent(projectName)}/signoffs`);
  let data;
  try {
    data = await getProjectGraph(projectName);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const { project, graph } = data;
  const signOffs = await listSignOffs(project.name);
  const history = graph.history.map((id) => ({ id, message: graph.revisions.get(id)?.message ?? "" }));
  const canSign = can(actor, "signoffs.write");
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">
        <Link href="/" className="text-stone-500 hover:underline">
          {project.name}
        </Link>{" "}
        / QA sign-offs
      </h1>
      {canSign ? (
        <Card title="Sign off what you verified">
          <SignOffForm project={project.name} environments={project.environments.map((e) => e.name)} revisions={history} />
        </Card>
      ) : (
        <p className="text-sm text-stone-600">Only QA and admins can sign off revisions; you can see every sign-off below.</p>
      )}
      <Card title="Sign-offs">
        <SignOffList project={project.name} signOffs={signOffs} canRevoke={canSign} />
      </Card>
      <Card title="Coverage per revision">
        <RevisionCoverage history={history} signOffs={signOffs} />
      </Card>
    </div>
  );
}
