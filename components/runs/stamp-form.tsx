"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";
import { STAMP_REASON_MIN, type StampResult } from "@/lib/runs/stamp-request.types";

/**
 * The recovery action: sets the version table to chosen revisions with `alembic stamp`, running no
 * migration. Kept apart from the run buttons and styled as a warning so it is never mistaken for an upgrade.
 */
export function StampForm({ project, environment, current, revisions }: { project: string; environment: string; current: string[]; revisions: { revision: string; message: string }[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useState("");
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const ids = chosen.split(/[\s,]+/).filter(Boolean);
  const stamp = useMutation({
    mutationFn: () => callApi<StampResult>("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/stamp`, { revisions: ids, reason, typedConfirmation: typed }),
    onSuccess: () => {
      setTyped("");
      router.refresh();
    },
  });
  const busy = stamp.isPending;
  const ready = ids.length > 0 && reason.trim().length >= STAMP_REASON_MIN && typed === environment && !busy;
  const result = stamp.data;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    stamp.mutate();
  }

  const field = "block w-full rounded border border-stone-300 px-2 py-1 text-sm";
  return (
    <form onSubmit={submit} className="space-y-3 text-sm" data-testid="stamp-form" aria-label={`Stamp ${environment}`}>
      <p className="rounded border border-amber-300 bg-amber-50 p-2 text-amber-900">
        Not an upgrade: a stamp rewrites {environment}&apos;s version table (now {current.length ? current.join(", ") : "base"}) and runs <strong>no migration</strong>. Use it after fixing the schema by hand or after a
        half-applied migration. No drift baseline is recorded; the reason and the rows before and after are audited.
      </p>
      <label className="block">
        <span className="font-medium">Revision(s) the version table should hold</span>
        <input name="revisions" list="stamp-revisions" placeholder='e.g. 3f2a9c1b or "base"; several heads separated by commas' value={chosen} onChange={(e) => setChosen(e.target.value)} className={`${field} font-mono`} />
        <datalist id="stamp-revisions">
          {revisions.slice(0, 200).map((r) => (
            <option key={r.revision} value={r.revision}>
              {r.message}
            </option>
          ))}
        </datalist>
      </label>
      <label className="block">
        <span className="font-medium">Why (audited)</span>
        <textarea name="reason" rows={2} placeholder="What was fixed by hand, which migration half-applied" value={reason} onChange={(e) => setReason(e.target.value)} className={field} />
        {reason.trim().length > 0 && reason.trim().length < STAMP_REASON_MIN && <span className="text-stone-600">At least {STAMP_REASON_MIN} characters.</span>}
      </label>
      <label className="block">
        <span className="font-medium">
          Type <code>{environment}</code> to confirm
        </span>
        <input name="typedConfirmation" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} className={`${field} font-mono`} />
      </label>
      <Button type="submit" variant="warning" disabled={!ready}>
        {busy ? "Stamping…" : `Stamp ${environment} (no migration runs)`}
      </Button>
      {stamp.isError && <Alert tone="error">{stamp.error.message}</Alert>}
      {result && (
        <p role="status" data-testid="stamp-result" className={result.status === "succeeded" ? "text-green-800" : "text-red-800"}>
          Stamp {result.status}: {result.before.length ? result.before.join(", ") : "base"} → {result.after ? (result.after.length ? result.after.join(", ") : "base") : "unknown"}. {result.baseline}{" "}
          <a href={`/runs/${result.runId}`} className="underline">
            Open the run
          </a>
        </p>
      )}
    </form>
  );
}
