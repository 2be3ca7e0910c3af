"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BeforeRunNotice } from "@/components/runs/before-run";
import { GateList } from "@/components/runs/gate-list";
import { RevisionId } from "@/components/ui/revision-id";
import { LintFindings } from "@/components/runs/lint-findings";
import { RehearsalSection } from "@/components/runs/rehearsal-section";
import { ReviewedFiles } from "@/components/runs/reviewed-files";
import { useReplanRuns, useRequestRun, useRunPlan } from "@/components/runs/use-run-plan";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { RunKind, TRunRequest } from "@/lib/runs/run-request.types";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";

/** What the preview-complete gate says about a partial SQL preview. */
type PreviewGateDetails = { required?: string[]; skipped: string[]; notPreviewed: Array<{ revision: string; file?: string; reason: string }> };

const TITLES: Record<RunKind, string> = { upgrade: "Upgrade", downgrade: "Downgrade", promotion: "Promote" };

/**
 * The guarded run dialog: plans on the server as the inputs change (useRunPlan), lists every gate,
 * the path and the real SQL, and asks for exactly the confirmations the gates need. The server
 * re-plans on submit; this only decides whether the button is worth pressing.
 */
export function RunDialog({
  project,
  environment,
  kind,
  target,
  isAdmin,
  canAcknowledgeLint,
  onClose,
}: {
  project: string;
  environment: string;
  kind: RunKind;
  target?: string;
  isAdmin: boolean;
  /** The permission table's lint.acknowledge (admins, signed in as people). */
  canAcknowledgeLint: boolean;
  onClose: () => void;
}) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const [named, setNamed] = useState("");
  const [acked, setAcked] = useState("");
  const [driftReason, setDriftReason] = useState("");
  const request: TRunRequest = ZRunRequestSchema.parse({
    kind,
    ...(target ? { target } : {}),
    ...(typed ? { typedConfirmation: typed } : {}),
    ...(named.trim() ? { destructiveConfirmation: named.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(acked.trim() ? { previewAcknowledgement: acked.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(driftReason.trim() ? { driftOverrideReason: driftReason } : {}),
  });
  const planQ = useRunPlan(project, environment, request);
  // The last good plan stays on screen while the next one is computed.
  const plan = planQ.data ?? null;
  const submitM = useRequestRun(project, environment);
  // A finished rehearsal or an acknowledged finding changes a gate: plan again with the same inputs.
  const replan = useReplanRuns(project, environment);
  const gateOf = (id: string) => plan?.gates.find((g) => g.id === id);
  const typedGate = gateOf("typed-confirmation");
  const safety = gateOf("downgrade-safety");
  const required = ((safety?.details as { required?: string[] } | undefined)?.required ?? []) as string[];
  const drift = gateOf("schema-drift");
  const previewGate = gateOf("preview-complete");
  const partial = previewGate && previewGate.verdict !== "pass" ? (previewGate.details as PreviewGateDetails | undefined) : undefined;
  const toAcknowledge = plan?.environment.protected ? (partial?.required ?? []) : [];
  const upToDate = planQ.upToDate;
  // A plan with no step (already at the target) has nothing to run; the server refuses it too.
  const noOp = !!plan && plan.path.steps.length === 0;
  const canSubmit = !!plan && plan.canRequest && !noOp && upToDate && !submitM.isPending;

  return (
    <div role="dialog" aria-modal="true" aria-labelledby="run-dialog-title" className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/40 p-4">
      <div className="w-full max-w-3xl rounded-lg bg-white shadow-xl">
        <header className="flex items-center justify-between border-b border-stone-200 px-4 py-3">
          <h2 id="run-dialog-title" className="font-semibold">
            {TITLES[kind]} {environment}
            {plan && (
              <span className="ml-2 font-normal text-stone-600">
                {plan.from.length ? plan.from.join(", ") : "base"} → {plan.target}
              </span>
            )}
          </h2>
          <button type="button" onClick={onClose} className="rounded px-2 text-stone-600 hover:bg-stone-100" aria-label="Close">
            ✕
          </button>
        </header>
        <div className="space-y-4 p-4">
          {planQ.isError && <Alert tone="error">{planQ.error.message}</Alert>}
          {!plan && planQ.isPending && <p className="text-sm text-stone-600">Planning: reading {environment} and asking Alembic for the SQL…</p>}
          {plan && (
            <>
              <section>
                <h3 className="mb-1 text-sm font-semibold">Gates</h3>
                <GateList gates={plan.gates} />
              </section>
              <section>
                <h3 className="mb-1 text-sm font-semibold">
                  Path: {plan.path.steps.length} migration{plan.path.steps.length === 1 ? "" : "s"} {plan.path.direction === "downgrade" ? "to revert" : "to apply"}
                </h3>
                {plan.path.steps.length === 0 ? (
                  <p className="text-sm text-stone-600">Nothing to do: {environment} is already there.</p>
                ) : (
                  <ol className="list-decimal space-y-0.5 pl-6 text-sm" data-testid="run-path">
                    {plan.path.steps.map((s) => (
                      <li key={s.revision}>
                        <RevisionId id={s.revision} /> {s.message}
                      </li>
                    ))}
                  </ol>
                )}
                {plan.path.versionTableError && <p className="mt-1 text-sm text-red-800">{plan.path.versionTableError}</p>}
              </section>
              {plan.beforeRun && plan.path.steps.length > 0 && <BeforeRunNotice intent={plan.beforeRun} />}
              <LintFindings gate={gateOf("lint")} acknowledging={canAcknowledgeLint ? { project, onChanged: replan } : undefined} />
              {plan.path.steps.length > 0 && <RehearsalSection project={project} environment={environment} kind={kind} target={target} gate={gateOf("rehearsal")} onFinished={replan} />}
              <section>
                <h3 className="mb-1 text-sm font-semibold">SQL preview (alembic --sql){partial ? " — incomplete" : ""}</h3>
                {partial && (
                  <div role="status" data-testid="sql-preview-incomplete" className="mb-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950">
                    <p className="font-medium">This preview is partial: Alembic could not render every migration offline.</p>
                    <ul className="mt-1 list-disc space-y-0.5 pl-5">
                      {partial.notPreviewed.map((n) => (
                        <li key={n.revision}>
                          <RevisionId id={n.revision} />
                          {n.file && <span className="font-mono"> ({n.file})</span>} — {n.reason}
                        </li>
                      ))}
                    </ul>
                    {partial.skipped.length > 0 && (
                      <p className="mt-1">
                        Not previewed after it either: <span className="font-mono">{partial.skipped.join(", ")}</span>.
                      </p>
                    )}
                    <p className="mt-1">The SQL below stops there. Read those migration files before running.</p>
                  </div>
                )}
                <pre data-testid="sql-preview" className="max-h-72 overflow-auto rounded bg-stone-900 p-3 text-xs text-stone-100">
                  {plan.sqlPreview}
                </pre>
                <ReviewedFiles lines={plan.reviewedFiles} />
              </section>
            </>
          )}
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              // The files the shown SQL came from: the server refuses the request when they changed since.
              if (canSubmit) submitM.mutate({ ...request, reviewedFiles: plan?.reviewedFiles ?? [] }, { onSuccess: (r) => router.push(`/runs/${r.runId}`) });
            }}
          >
            {plan?.environment.protected && (
              <label className="block text-sm">
                <span className="font-medium">Type &ldquo;{environment}&rdquo; to confirm</span>
                <input
                  name="typedConfirmation"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  autoComplete="off"
                  className={`mt-1 block w-full rounded border px-2 py-1 font-mono ${typedGate?.verdict === "block" ? "border-red-400" : "border-stone-300"}`}
                />
              </label>
            )}
            {required.length > 0 && <RevisionIdsField prompt="This downgrade loses data. Name each flagged migration to confirm: " name="destructiveConfirmation" ids={required} value={named} onChange={setNamed} />}
            {toAcknowledge.length > 0 && (
              <RevisionIdsField
                prompt="The SQL preview does not show everything. Type each migration it could not preview to acknowledge: "
                name="previewAcknowledgement"
                ids={toAcknowledge}
                value={acked}
                onChange={setAcked}
                unmet={previewGate?.verdict === "needs-input" && acked.trim() !== ""}
              />
            )}
            {isAdmin && drift && drift.verdict === "block" && (
              <label className="block text-sm">
                <span className="font-medium">Override drift (admins): why is it safe to migrate anyway?</span>
                <textarea name="driftOverrideReason" value={driftReason} onChange={(e) => setDriftReason(e.target.value)} rows={2} className="mt-1 block w-full rounded border border-stone-300 px-2 py-1" />
              </label>
            )}
            {submitM.isError && <Alert tone="error">{submitM.error.message}</Alert>}
            <div className="flex items-center justify-end gap-2">
              {noOp && upToDate && (
                <span className="text-sm text-stone-600" data-testid="no-op-reason">
                  Nothing to run: {environment} is already at {plan.from.length ? plan.from.join(", ") : "base"}. Choose another target.
                </span>
              )}
              {plan && !noOp && !plan.canRequest && upToDate && <span className="text-sm text-stone-600">Resolve the gates above to continue.</span>}
              {plan?.needsApproval && plan.canRequest && <span className="text-sm text-stone-600">A second person must approve before it runs.</span>}
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={!canSubmit}>
                {plan?.needsApproval ? "Request approval" : `${TITLES[kind]} now`}
              </Button>
            </div>
          </form>
        </div>
      </div>
    </div>
  );
}

/** A field where the user types revision ids to confirm (a data-losing downgrade, an incomplete preview). */
function RevisionIdsField(p: { prompt: string; name: string; ids: string[]; value: string; onChange: (v: string) => void; unmet?: boolean }) {
  return (
    <label className="block text-sm">
      <span className="font-medium">{p.prompt}</span>
      <span className="font-mono">{p.ids.join(", ")}</span>
      <input
        name={p.name}
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
        autoComplete="off"
        placeholder={p.ids.join(", ")}
        className={`mt-1 block w-full rounded border px-2 py-1 font-mono ${p.unmet ? "border-amber-400" : "border-stone-300"}`}
      />
    </label>
  );
}
