"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RevisionId } from "@/components/ui/revision-id";
import type { GateResult } from "@/lib/gates/types";
import { useRehearsal, useStartRehearsal } from "@/components/runs/use-rehearsal";
import type { RunKind } from "@/lib/runs/run-request.types";

const PHASE: Record<string, string> = { path: "", back: "round trip: back", again: "round trip: again" };

/**
 * The run dialog's rehearsal section: what the rehearsal gate says, the latest rehearsal of this
 * path (steps, round trip), and a button that rehearses it on a throwaway copy, with live progress.
 * When a rehearsal finishes, `onFinished` re-plans so the gate reflects it.
 */
export function RehearsalSection({ project, environment, kind, target, gate, onFinished }: { project: string; environment: string; kind: RunKind; target?: string; gate: GateResult | undefined; onFinished: () => void }) {
  const storedId = (gate?.details as { rehearsalId?: string } | undefined)?.rehearsalId;
  const [startedId, setStartedId] = useState<string | null>(null);
  const id = startedId ?? storedId ?? null;
  const start = useStartRehearsal(project, environment);
  const rehearsal = useRehearsal(id);
  const r = rehearsal.data;
  const running = start.isPending || r?.status === "running";
  // Re-plan once when a rehearsal started here finishes.
  const announced = useRef<string | null>(null);
  useEffect(() => {
    if (startedId && r && r.id === startedId && r.status !== "running" && announced.current !== startedId) {
      announced.current = startedId;
      onFinished();
    }
  }, [r, startedId, onFinished]);

  if (!gate) return null;
  return (
    <section data-testid="rehearsal-section">
      <div className="mb-1 flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">Rehearsal on a throwaway copy</h3>
        <Button size="sm" onClick={() => start.mutate({ kind, target }, { onSuccess: (r) => setStartedId(r.rehearsalId) })} disabled={running}>
          {running ? "Rehearsing…" : r ? "Rehearse again" : "Rehearse"}
        </Button>
      </div>
      <p className="text-sm text-stone-700">
        Copies {environment}&rsquo;s schema into a scratch database, runs this path there one migration at a time, then downgrades and upgrades again and compares the schemas. {environment} itself is only read.
      </p>
      {start.isError && (
        <Alert tone="error" className="mt-1">
          {start.error.message}
        </Alert>
      )}
      {r && (
        <div className="mt-2 rounded border border-stone-200 p-2 text-sm" data-testid="rehearsal-result" data-status={r.status} data-ok={r.ok === null ? "" : String(r.ok)}>
          <p className="font-medium">{r.status === "running" ? (r.progress ?? "Starting…") : (r.headline ?? r.status)}</p>
          {r.steps.length > 0 && (
            <ol className="mt-1 space-y-0.5">
              {r.steps.map((s, i) => (
                <li key={`${s.phase}-${s.revision}-${i}`} className="flex flex-wrap items-center gap-2">
                  <Badge tone={s.ok ? "green" : "red"}>{s.ok ? "ok" : "failed"}</Badge>
                  <span>{s.direction}</span>
                  <RevisionId id={s.revision} />
                  <span className="text-stone-500">{s.ms} ms</span>
                  {PHASE[s.phase] && <span className="text-stone-500">({PHASE[s.phase]})</span>}
                  {s.error && <span className="text-red-800">{s.error}</span>}
                </li>
              ))}
            </ol>
          )}
          {r.roundTrip.differences.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-amber-900" data-testid="rehearsal-differences">
              {r.roundTrip.differences.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
          {r.steps.some((s) => !s.ok && s.log) && (
            <details className="mt-1">
              <summary className="cursor-pointer text-stone-600">Alembic&rsquo;s output for the failed step</summary>
              <pre className="mt-1 max-h-60 overflow-auto rounded bg-stone-900 p-2 text-xs text-stone-100">{r.steps.find((s) => !s.ok)?.log}</pre>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
