import { Suspense } from "react";
import { DriftSummary } from "@/components/drift/drift-summary";
import { EditedFilesSummary } from "@/components/applied-files/edited-files-summary";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { toGraphWire } from "@/lib/graph-view/graph-model";
import { prepareGraphView } from "@/lib/graph-view/prepare-graph-view";
import { RevisionGraphView } from "@/components/graph/revision-graph-view";
import { GraphAtRef } from "@/components/graph/graph-at-ref";
import type { SignOffMark } from "@/lib/graph-view/graph-model";
import { listSignOffs } from "@/lib/signoffs/list-signoffs";
import { signOffsByRevision } from "@/lib/signoffs/signoffs-by-revision";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ project: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Revisions · ${decodeURIComponent((await params).project)}` };
}

// The revision DAG with every environment's position on it. The browser receives the graph in its
// compact wire form and lays it out itself (lib/graph-view/layout-lanes.ts, a few milliseconds).
export default async function GraphPage({ params }: Params) {
  const { project } = await params;
  await requirePageActor(`/projects/${encodeURIComponent(project)}/graph`);
  let prepared: Awaited<ReturnType<typeof prepareGraphView>>;
  try {
    prepared = await prepareGraphView(project);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const { view, data, status } = prepared;
  // QA sign-offs in force, by revision: a check mark on the node, details in the side panel.
  const signOffs: Record<string, SignOffMark[]> = {};
  for (const [revision, { active }] of signOffsByRevision(await listSignOffs(view.project.name))) {
    if (active.length) signOffs[revision] = active.map((s) => ({ environment: s.environment, by: s.signedBy?.email ?? "unknown", at: s.createdAt, note: s.note }));
  }
  return (
    <div className="flex flex-col gap-3">
      <h1 className="text-xl font-semibold">
        {view.project.name} <span className="font-normal text-stone-500">· revisions</span>
      </h1>
      {/* Drift compares the environments' stored schema readings: streamed in, never delaying the graph. */}
      <Suspense fallback={null}>
        <DriftSummary projectName={view.project.name} />
      </Suspense>
      {/* Migrations edited after they were applied somewhere, from the version tables this page just read (read again only when that failed). */}
      <Suspense fallback={null}>
        <EditedFilesSummary projectName={view.project.name} readings={status?.environments} />
      </Suspense>
      <RevisionGraphView wire={toGraphWire(data)} signOffs={signOffs} />
      <GraphAtRef project={view.project.name} />
    </div>
  );
}
