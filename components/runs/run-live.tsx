"use client";

import { useEffect, useRef, useState } from "react";
import { GateList } from "@/components/runs/gate-list";
import { RunStatusBadge } from "@/components/runs/run-status-badge";
import { ReviewedFiles } from "@/components/runs/reviewed-files";
import { BackupRow } from "@/components/runs/before-run";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RevisionId } from "@/components/ui/revision-id";
import { useRun, useRunDecision } from "@/components/runs/use-run";
import { useRunEvents } from "@/components/runs/use-run-events";
import { runningStep, type RunStep } from "@/lib/runs/run-events";
import { isOpenRunStatus, type RunView } from "@/lib/runs/run-request.types";

function duration(ms: number | null): string {
  if (ms == null) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const at = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 19) : "");

/** A run's live state: status polled, log streamed over SSE, progress, outcome, the approval and cancel buttons. */
export function RunLive({ initial, mayDecide: initialMayDecide, mayCancel: initialMayCancel }: { initial: RunView; mayDecide: boolean; mayCancel: boolean }) {
  const q = useRun({ run: initial, mayDecide: initialMayDecide, mayCancel: initialMayCancel });
  const run = q.data.run;
  // Lines and steps come as typed events from the server; the page never reads log text to learn where the run stands.
  const { lines, steps, streamError } = useRunEvents(initial.id);
  const progress = runningStep(steps);
  const logRef = useRef<HTMLPreElement>(null);

  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [lines]);

  const [reason, setReason] = useState("");
  const approveM = useRunDecision(run.id, "approve");
  const rejectM = useRunDecision(run.id, "reject");
  const [cancelReason, setCancelReason] = useState("");
  const cancelM = useRunDecision(run.id, "cancel");
  const mayCancel = q.data.mayCancel && isOpenRunStatus(run.status) && !(run.status === "running" && run.cancelRequestedAt);

  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-center gap-3">
          <RunStatusBadge status={run.status} />
          <span className="text-sm text-stone-700">
            {run.kind} {run.project}/{run.environment}: {run.fromRevisions.length ? run.fromRevisions.map((r) => <RevisionId key={r} id={r} />) : "base"} → <RevisionId id={run.target} />
          </span>
          <span className="text-sm text-stone-600">duration {duration(run.durationMs)}</span>
        </div>
        <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-500">Requested</dt>
          <dd>
            {run.requestedBy.email} at {run.createdAt.replace("T", " ").slice(0, 19)}
          </dd>
          {run.approvedBy && (
            <>
              <dt className="text-stone-500">Approved</dt>
              <dd data-testid="approved-by">
                {run.approvedBy.email} at {run.approvedAt?.replace("T", " ").slice(0, 19)}
              </dd>
            </>
          )}
          {run.rejectedBy && (
            <>
              <dt className="text-stone-500">Rejected</dt>
              <dd>
                {run.rejectedBy.email}: {run.rejectReason}
              </dd>
            </>
          )}
          {run.driftOverride && (
            <>
              <dt className="text-stone-500">Drift override</dt>
              <dd>{run.driftOverride}</dd>
            </>
          )}
          {run.kind === "stamp" && (
            <>
              <dt className="text-stone-500">Stamp</dt>
              <dd data-testid="stamp-reason">
                Version table set to {run.target === "base" ? "base" : run.target.split(",").join(", ")} without running any migration. Reason: {run.reason ?? "none recorded"}
              </dd>
            </>
          )}
          {run.backup && <BackupRow backup={run.backup} />}
          {run.resultRevisions && (
            <>
              <dt className="text-stone-500">Now at</dt>
              <dd>{run.resultRevisions.length ? run.resultRevisions.map((r) => <RevisionId key={r} id={r} />) : "base"}</dd>
            </>
          )}
        </dl>
        <RunSteps steps={steps} />
        {run.status === "running" && (
          <div className="mt-3" data-testid="run-progress">
            <p className="text-sm">{progress ? `Migration ${progress.index} of ${progress.total}: ${progress.revision}${progress.message ? ` — ${progress.message}` : ""}` : "Starting Alembic…"}</p>
            <progress className="w-full" max={(progress?.total ?? run.path.length) || 1} value={progress?.index ?? 0} />
          </div>
        )}
        {run.status === "succeeded" && <p className="mt-3 text-sm text-green-800">Succeeded.</p>}
        {run.status === "stale" && (
          <div className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="stale-explanation">
            <p className="font-medium text-amber-900">Stale: this request can no longer be approved.</p>
            <p className="mt-1 text-amber-900">{run.errorTail ?? `${run.environment} moved after this was requested; request again.`}</p>
            <p className="mt-1">
              <a className="text-sky-700 hover:underline" href={`/projects/${encodeURIComponent(run.project)}/envs/${encodeURIComponent(run.environment)}`}>
                Plan it again on {run.environment}
              </a>{" "}
              to review the SQL from where {run.environment} stands now.
            </p>
          </div>
        )}
        {run.status === "cancelled" && run.cancelRequestedBy && (
          <p className="mt-3 text-sm text-stone-800" data-testid="cancelled-by">
            Cancelled by {run.cancelRequestedBy} at {at(run.cancelRequestedAt)}: {run.cancelReason}
          </p>
        )}
        {run.status === "running" && run.cancelRequestedAt && (
          <p className="mt-3 text-sm text-amber-900" data-testid="cancel-requested">
            Asked to stop by {run.cancelRequestedBy} at {at(run.cancelRequestedAt)} ({run.cancelReason}); Cairn is stopping Alembic.
          </p>
        )}
        {(run.status === "failed" || run.status === "interrupted" || (run.status === "cancelled" && (!run.cancelRequestedBy || run.startedAt))) && run.errorTail && (
          <div className="mt-3" data-testid="error-tail">
            <p className="text-sm font-medium text-red-800">{run.status === "interrupted" ? "Interrupted" : run.status === "cancelled" ? (run.startedAt ? "Cancelled" : "Did not start") : "Failed"}:</p>
            {/* The headline in plain words first (which migration, the database's error, where it stands); Alembic's output below, collapsed. */}
            <p className="mt-1 text-sm text-red-900">{headlineOf(run.errorTail)}</p>
            {outputOf(run.errorTail) && (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-stone-600">Alembic output</summary>
                <pre className="mt-1 max-h-60 overflow-auto rounded bg-red-950 p-2 text-xs text-red-50">{outputOf(run.errorTail)}</pre>
              </details>
            )}
          </div>
        )}
        {run.status === "awaiting_approval" && (
          <div className="mt-4 rounded border border-sky-200 bg-sky-50 p-3 text-sm">
            {q.data.mayDecide ? (
              <div className="space-y-2">
                <p>This run waits for your approval. Approving re-checks every gate now, then starts it.</p>
                <div className="flex flex-wrap items-center gap-2">
                  <Button variant="approve" onClick={() => approveM.mutate(undefined)} disabled={approveM.isPending}>
                    Approve and run
                  </Button>
                  <input aria-label="Reason to reject" placeholder="Reason to reject" value={reason} onChange={(e) => setReason(e.target.value)} className="rounded border border-stone-300 px-2 py-1" />
                  <Button variant="danger" onClick={() => rejectM.mutate(reason)} disabled={!reason.trim() || rejectM.isPending}>
                    Reject
                  </Button>
                </div>
              </div>
            ) : (
              <p>Waiting for approval by someone other than {run.requestedBy.email}.</p>
            )}
            {(approveM.isError || rejectM.isError) && (
              <Alert tone="error" className="mt-2">
                {(approveM.error ?? rejectM.error)?.message}
              </Alert>
            )}
          </div>
        )}
        {mayCancel && (
          <div className="mt-4 rounded border border-stone-200 bg-stone-50 p-3 text-sm">
            <p>
              {run.status === "running"
                ? "Cancelling a running run asks Cairn to stop Alembic; on PostgreSQL the migration in progress rolls back, on MySQL/MariaDB its schema statements that already ran stay (the run's log lists them)."
                : run.status === "awaiting_approval"
                  ? "Cancelling withdraws this request; nothing has run. A new request can then be made."
                  : "Cancelling stops this run before it starts; nothing has run."}
            </p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <input aria-label="Reason to cancel" placeholder="Reason to cancel" value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} className="min-w-64 rounded border border-stone-300 px-2 py-1" />
              <Button variant="danger" onClick={() => cancelM.mutate(cancelReason)} disabled={!cancelReason.trim() || cancelM.isPending}>
                Cancel run
              </Button>
            </div>
            {cancelM.isError && (
              <Alert tone="error" className="mt-2">
                {cancelM.error.message}
              </Alert>
            )}
          </div>
        )}
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">Log</h2>
        {streamError && <p className="text-sm text-amber-800">{streamError}</p>}
        <pre ref={logRef} data-testid="run-log" className="max-h-96 overflow-auto rounded bg-stone-900 p-3 text-xs text-stone-100">
          {lines.length
            ? lines.map((l) => l.text).join("\n")
            : run.status === "awaiting_approval"
              ? "Nothing yet: the run starts once approved."
              : !run.startedAt && ["stale", "cancelled", "rejected"].includes(run.status)
                ? "Nothing ran."
                : "…"}
        </pre>
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">Gates as evaluated</h2>
        <GateList gates={run.gates} />
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">SQL preview</h2>
        <pre data-testid="sql-preview" className="max-h-72 overflow-auto rounded bg-stone-900 p-3 text-xs text-stone-100">
          {run.sqlPreview}
        </pre>
        <ReviewedFiles lines={run.reviewedFiles} />
      </section>
    </div>
  );
}

const STEP_STATE = { running: { tone: "blue", label: "running" }, done: { tone: "green", label: "done" }, stopped: { tone: "red", label: "did not finish" } } as const;

/** The migrations Alembic started in this run, each with where it got to, from the run's step events. */
export function RunSteps({ steps }: { steps: RunStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="mt-3 space-y-0.5 text-sm" data-testid="run-steps">
      {steps.map((s) => (
        <li key={`${s.index}-${s.revision}`} data-step={s.revision} data-step-state={s.state} className="flex flex-wrap items-center gap-2">
          <span className="w-14 text-stone-500">
            {s.index} of {s.total}
          </span>
          <Badge tone={STEP_STATE[s.state].tone}>{STEP_STATE[s.state].label}</Badge>
          <span>{s.direction === "upgrade" ? "apply" : "revert"}</span>
          <RevisionId id={s.revision} />
          {s.message && <span className="text-stone-600">{s.message}</span>}
        </li>
      ))}
    </ol>
  );
}

/** A run's errorTail is "headline\n\nAlembic output …": the headline is read first, the output on demand. */
function headlineOf(errorTail: string): string {
  const cut = errorTail.indexOf("\n\n");
  return cut < 0 ? errorTail : errorTail.slice(0, cut);
}

function outputOf(errorTail: string): string {
  const cut = errorTail.indexOf("\n\n");
  return cut < 0 ? "" : errorTail.slice(cut + 2);
}
