"use client";

import { useState } from "react";
import { callApi } from "@/components/ui/call-api";
import type { AlembicCheckResult } from "@/lib/drift-service/run-alembic-check";

/** Runs `alembic check` against the environment and shows Alembic's verdict, or why it is not available. */
export function AlembicCheckButton({ project, environment }: { project: string; environment: string }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AlembicCheckResult | { error: string } | null>(null);
  async function check() {
    setBusy(true);
    setResult(null);
    try {
      setResult(await callApi<AlembicCheckResult>("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/alembic-check`, {}));
    } catch (e) {
      setResult({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button type="button" onClick={check} disabled={busy} aria-label={`alembic check on ${environment}`} className="rounded border border-stone-300 px-2 py-1 text-xs hover:bg-stone-50 disabled:opacity-40">
        {busy ? "Checking…" : "alembic check"}
      </button>
      {result && (
        <span role="status" data-testid={`alembic-check-${environment}`} className="max-w-xs text-xs">
          {"error" in result ? (
            <span className="text-red-800">{result.error}</span>
          ) : (
            <>
              <span className={result.available && result.ok ? "text-green-800" : "text-amber-900"}>{result.message}</span>
              {result.available && result.output && <pre className="mt-1 max-h-40 overflow-auto rounded bg-stone-50 p-1 whitespace-pre-wrap">{result.output}</pre>}
            </>
          )}
        </span>
      )}
    </span>
  );
}
