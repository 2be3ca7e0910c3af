import Link from "next/link";
import { notFound } from "next/navigation";
import { AlembicCheckButton } from "@/components/drift/alembic-check-button";
import { ReadSchemaButton } from "@/components/drift/read-schema-button";
import { ReadingAge } from "@/components/drift/reading-age";
import { DriftFindings } from "@/components/drift/drift-findings";
import { TakeBaselineButton, type BaselineMode } from "@/components/drift/take-baseline-button";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RevisionId } from "@/components/ui/revision-id";
import { can } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { detectProjectDrift } from "@/lib/drift-service/detect-project-drift";
import { isAppError } from "@/lib/errors";
import { requirePageActor } from "@/lib/server/require-page-actor";

export const dynamic = "force-dynamic";

export default async function DriftPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: projectName } = await params;
  const actor = await requirePageActor(`/projects/${encodeURIComponent(projectName)}/drift`);
  let drift;
  try {
    // The stored schema readings: no target database is read to show this page ("Read now" reads one).
    drift = await detectProjectDrift(await getDb(), projectName);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const canBaseline = can(actor, "drift.baseline");
  const canAcceptDrift = can(actor, "drift.accept");
  const baselineMode = (e: { protected: boolean; differences: number | null }): BaselineMode => (!e.differences ? "record" : !e.protected ? "accept" : canAcceptDrift ? "override" : "admin-only");
  const canCheck = can(actor, "alembic.check");
  const canRead = can(actor, "drift.read");
  const now = new Date(drift.checkedAt).getTime();
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">
        <Link href="/" className="text-stone-500 hover:underline">
          {drift.project}
        </Link>{" "}
        / Schema drift
      </h1>
      <Card title="Findings" actions={<span className="text-xs text-stone-500">from each environment&apos;s latest schema reading (below)</span>}>
        <DriftFindings findings={drift.findings} />
      </Card>
      <Card title="Environments">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-stone-500">
            <tr>
              <th className="py-1 pr-2">Environment</th>
              <th className="py-1 pr-2">Revision</th>
              <th className="py-1 pr-2">Schema read</th>
              <th className="py-1 pr-2">Fingerprint</th>
              <th className="py-1 pr-2">Baseline</th>
              <th className="py-1 pr-2">Drift</th>
              <th className="py-1">Actions</th>
            </tr>
          </thead>
          <tbody>
            {drift.environments.map((e) => (
              <tr key={e.name} data-testid={`drift-env-${e.name}`} className="border-t border-stone-100 align-top">
                <td className="py-1 pr-2">
                  <Link href={`/projects/${encodeURIComponent(drift.project)}/envs/${encodeURIComponent(e.name)}`} className="hover:underline">
                    {e.name}
                  </Link>{" "}
                  {e.protected && <Badge tone="red">protected</Badge>}
                </td>
                <td className="py-1 pr-2">
                  {e.revisions === null ? "—" : e.revisions.length === 0 ? "base" : e.revisions.map((r) => <RevisionId key={r} id={r} />)}
                  {e.peers.length > 0 && <div className="text-xs text-stone-500">same as {e.peers.join(", ")}</div>}
                </td>
                <td className="py-1 pr-2" data-testid={`drift-read-${e.name}`}>
                  <div className="flex flex-col items-start gap-1">
                    <ReadingAge reading={e} now={now} />
                    {canRead && <ReadSchemaButton project={drift.project} environment={e.name} />}
                  </div>
                </td>
                <td className="py-1 pr-2">
                  {e.fingerprint ? (
                    <code title={e.fingerprint} className="text-xs">
                      {e.fingerprint.slice(0, 12)}
                    </code>
                  ) : (
                    <span role="alert" className="text-xs text-red-800">
                      {e.error}
                    </span>
                  )}
                </td>
                <td className="py-1 pr-2 text-xs">
                  {e.baseline ? (
                    <>
                      {e.baseline.matches ? <Badge tone="green">matches</Badge> : <Badge tone="amber">differs</Badge>} {e.baseline.source}, {e.baseline.createdAt.replace("T", " ").slice(0, 16)} UTC
                    </>
                  ) : (
                    <span className="text-stone-500">none for this revision</span>
                  )}
                </td>
                <td className="py-1 pr-2">
                  {e.differences === null ? (
                    <span className="text-xs text-stone-500">not checked</span>
                  ) : e.differences === 0 ? (
                    <Badge tone="green">none</Badge>
                  ) : (
                    <>
                      <Badge tone="amber">{`${e.differences} difference${e.differences === 1 ? "" : "s"}`}</Badge>
                      {e.differsFrom.length > 0 && <div className="text-xs text-stone-600">from {e.differsFrom.join(" and ")}</div>}
                    </>
                  )}
                </td>
                <td className="py-1">
                  <div className="flex flex-wrap gap-2">
                    {canBaseline && <TakeBaselineButton project={drift.project} environment={e.name} mode={baselineMode(e)} differences={e.differences ?? 0} />}
                    {canCheck && <AlembicCheckButton project={drift.project} environment={e.name} />}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-3 text-xs text-stone-600">
          Schemas are read in the background after every run and stamp and on a schedule, and by &quot;Read now&quot;; a plan reads its target&apos;s schema itself. Baselines are recorded after every successful run that started
          from a schema without drift, at each QA sign-off without drift, and by hand here. Cairn never adopts drift by itself. On a protected environment, a baseline on top of drift (and a run despite it) is an admin override
          with a written reason, audited with every difference it accepts.
        </p>
      </Card>
    </div>
  );
}
