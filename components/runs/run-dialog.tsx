"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { BeforeRunNotice } from "@/components/runs/before-run";
import { GateList } from "@/components/runs/gate-list";
import { RevisionId } from "@/components/ui/revision-id";
import { LintFindings } from "@/components/runs/lint-findings";
import { RehearsalSection } from "@/components/runs/rehearsal-section";
import { ReviewedFiles } from "@/components/runs/reviewed-files";
import type { GateResult } from "@/lib/gates/types";
import type { RunKind, RunPlan, TRunRequest } from "@/lib/runs/run-request.types";
import { ZRunRequestSchema } from "@/lib/runs/run-request.types";

type ApiError = { error?: { message?: string }; gates?: GateResult[] };

/** What the preview-complete gate says about a partial SQL preview. */
type PreviewGateDetails = { required?: string[]; skipped: string[]; notPreviewed: Array<{ revision: string; file?: string; reason: string }> };

async function postJson<T>(url: string, payload: unknown): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  const body = (await res.json().catch(() => null)) as (T & ApiError) | null;
  if (!res.ok) {
    const err = new Error(body?.error?.message ?? `The server answered ${res.status}.`) as Error & { gates?: GateResult[] };
    err.gates = body?.gates;
    throw err;
  }
  return body as T;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const TITLES: Record<RunKind, string> = { upgrade: "Upgrade", downgrade: "Downgrade", promotion: "Promote" };

/**
 * The guarded run dialog: plans on the server as the inputs change (debounced), lists every gate,
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
  const base = `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/runs`;
  const request: TRunRequest = ZRunRequestSchema.parse({
    kind,
    ...(target ? { target } : {}),
    ...(typed ? { typedConfirmation: typed } : {}),
    ...(named.trim() ? { destructiveConfirmation: named.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(acked.trim() ? { previewAcknowledgement: acked.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(driftReason.trim() ? { driftOverrideReason: driftReason } : {}),
  });
  const debounced = useDebounced(JSON.stringify(request), 400);

  // The last good plan stays on screen while the next one is computed.
  const [plan, setPlan] = useState<RunPlan | null>(null);
  const planM = useMutation({
    mutationFn: (payload: string) => postJson<RunPlan>(`${base}/plan`, JSON.parse(payload)),
    onSuccess: (p) => setPlan(p),
  });
  const submitM = useMutation({
    // The files the shown SQL came from: the server refuses the request when they changed since.
    mutationFn: () => postJson<{ runId: string; status: string }>(base, { ...request, reviewedFiles: plan?.reviewedFiles ?? [] }),
    onSuccess: (r) => router.push(`/runs/${r.runId}`),
  });
  const lastPlanned = useRef<string | null>(null);
  useEffect(() => {
    if (lastPlanned.current === debounced) return;
    lastPlanned.current = debounced;
    planM.mutate(debounced);
    // planM is stable enough: re-plan only when the inputs change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  // A finished rehearsal changes the rehearsal gate: plan again with the same inputs.
  const replan = useCallback(() => planM.mutate(lastPlanned.current ?? debounced), [planM, debounced]);
  const gateOf = (id: string) => plan?.gates.find((g) => g.id === id);
  const typedGate = gateOf("typed-confirmation");
  const safety = gateOf("downgrade-safety");
  const required = ((safety?.details as { required?: string[] } | undefined)?.required ?? []) as string[];
  const drift = gateOf("schema-drift");
  const previewGate = gateOf("preview-complete");
  const partial = previewGate && previewGate.verdict !== "pass" ? (previewGate.details as PreviewGateDetails | undefined) : undefined;
  const toAcknowledge = plan?.environment.protected ? (partial?.required ?? []) : [];
  const upToDate = debounced === JSON.stringify(request) && !planM.isPending && !planM.isError;
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
          {planM.isError && (
            <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-900">
              {planM.error.message}
            </p>
          )}
          {!plan && planM.isPending && <p className="text-sm text-stone-600">Planning: reading {environment} and asking Alembic for the SQL…</p>}
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
              if (canSubmit) submitM.mutate();
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
            {submitM.isError && (
              <p role="alert" className="rounded bg-red-50 p-2 text-sm whitespace-pre-line text-red-900">
                {submitM.error.message}
              </p>
            )}
            <div className="flex items-center justify-end gap-2">
              {noOp && upToDate && (
                <span className="text-sm text-stone-600" data-testid="no-op-reason">
                  Nothing to run: {environment} is already at {plan.from.length ? plan.from.join(", ") : "base"}. Choose another target.
                </span>
              )}
              {plan && !noOp && !plan.canRequest && upToDate && <span className="text-sm text-stone-600">Resolve the gates above to continue.</span>}
              {plan?.needsApproval && plan.canRequest && <span className="text-sm text-stone-600">A second person must approve before it runs.</span>}
              <button type="button" onClick={onClose} className="rounded border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-100">
                Cancel
              </button>
              <button type="submit" disabled={!canSubmit} className="rounded bg-stone-900 px-3 py-1.5 text-sm font-medium text-white disabled:cursor-not-allowed disabled:opacity-40">
                {plan?.needsApproval ? "Request approval" : `${TITLES[kind]} now`}
              </button>
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
