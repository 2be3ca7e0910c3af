"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/components/ui/call-api";
import { MIN_OVERRIDE_REASON, type TTakeBaselineInput } from "@/lib/drift-service/take-baseline.types";

/**
 * How "take baseline now" may go for one environment, decided by the page from the permission table
 * and the drift it read (the server decides again from the schema it reads):
 * - "record": no drift known — records the schema as it is;
 * - "accept": drift on an environment that is not protected — records it, the differences audited as accepted;
 * - "override": drift on a protected environment and the viewer is an admin — an override of the drift gate, reason required;
 * - "admin-only": drift on a protected environment and the viewer is not an admin — nothing to click, the rule said.
 */
export type BaselineMode = "record" | "accept" | "override" | "admin-only";

const plural = (n: number) => `${n} difference${n === 1 ? "" : "s"}`;

/** Records the environment's current schema as its baseline; on drift, says that it accepts the drift. */
export function TakeBaselineButton({ project, environment, mode, differences }: { project: string; environment: string; mode: BaselineMode; differences: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  async function take(body: TTakeBaselineInput) {
    setBusy(true);
    setMsg(null);
    try {
      await callApi("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/baseline`, body);
      setMsg({ ok: true, text: mode === "record" ? "Baseline recorded." : `Baseline recorded; ${plural(differences)} accepted (audited).` });
      setOpen(false);
      router.refresh();
    } catch (e) {
      setMsg({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  const status = msg && (
    <span role={msg.ok ? "status" : "alert"} className={`text-xs ${msg.ok ? "text-green-800" : "text-red-800"}`}>
      {msg.text}
    </span>
  );

  if (mode === "admin-only") {
    return (
      <span className="max-w-56 text-xs text-stone-600" data-testid={`baseline-admin-only-${environment}`}>
        {environment} is protected and drifted: only an admin can accept the drift as its baseline, with a written reason.
      </span>
    );
  }

  if (mode === "override") {
    const short = reason.trim().length < MIN_OVERRIDE_REASON;
    return (
      <span className="inline-flex max-w-72 flex-col gap-1">
        {!open ? (
          <button
            type="button"
            onClick={() => setOpen(true)}
            aria-label={`Override: accept drift as the baseline for ${environment} (admin)`}
            className="rounded border border-red-300 px-2 py-1 text-xs text-red-900 hover:bg-red-50"
          >
            Override: accept drift (admin)…
          </button>
        ) : (
          <form
            className="flex flex-col gap-1 rounded border border-red-200 bg-red-50 p-2 text-xs"
            onSubmit={(e) => {
              e.preventDefault();
              void take({ reason: reason.trim() });
            }}
          >
            <span className="text-red-900">
              Admin override: records {environment}&apos;s schema as it is now, accepting {plural(differences)} and clearing the drift gate. Audited with your reason and every difference.
            </span>
            <label className="flex flex-col gap-1">
              <span>Why is the schema as it is now right? (at least {MIN_OVERRIDE_REASON} characters)</span>
              <textarea
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                required
                minLength={MIN_OVERRIDE_REASON}
                rows={3}
                aria-label={`Reason to accept drift on ${environment}`}
                className="rounded border border-stone-300 p-1"
              />
            </label>
            <span className="flex gap-2">
              <button type="submit" disabled={busy || short} className="rounded bg-red-800 px-2 py-1 text-white disabled:opacity-40">
                {busy ? "Recording…" : `Accept ${plural(differences)} as the baseline`}
              </button>
              <button type="button" onClick={() => setOpen(false)} className="rounded border border-stone-300 px-2 py-1">
                Cancel
              </button>
            </span>
          </form>
        )}
        {status}
      </span>
    );
  }

  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        onClick={() => void take({})}
        disabled={busy}
        aria-label={mode === "accept" ? `Accept drift as the baseline for ${environment}` : `Take baseline now for ${environment}`}
        className="rounded border border-stone-300 px-2 py-1 text-xs hover:bg-stone-50 disabled:opacity-40"
      >
        {busy ? "Taking baseline…" : mode === "accept" ? `Accept drift as baseline (${plural(differences)})` : "Take baseline now"}
      </button>
      {status}
    </span>
  );
}
