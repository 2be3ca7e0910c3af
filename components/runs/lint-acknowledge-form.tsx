"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { LintFinding } from "@/lib/lint/types";
import { ZLintAcknowledgementSchema } from "@/lib/lint-service/lint-acknowledgement.types";

async function send(url: string, method: "POST" | "DELETE", payload?: unknown): Promise<void> {
  const res = await fetch(url, { method, headers: payload ? { "content-type": "application/json" } : {}, body: payload ? JSON.stringify(payload) : undefined });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  }
}

/**
 * An admin's acknowledgement of one error-level finding, with a written reason (the same schema the
 * route parses), or the revocation of one already given. The server checks the role again; this
 * only asks.
 */
export function LintAcknowledgeForm({ project, finding, onChanged }: { project: string; finding: LintFinding; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const base = `/api/projects/${encodeURIComponent(project)}/lint/acknowledgements`;
  const parsed = ZLintAcknowledgementSchema.safeParse({ revision: finding.revision, rule: finding.rule, reason, fileSha256: finding.fileSha256 });
  const ackM = useMutation({ mutationFn: () => send(base, "POST", parsed.data), onSuccess: () => (setOpen(false), setReason(""), onChanged()) });
  const revokeM = useMutation({ mutationFn: () => send(`${base}/${encodeURIComponent(finding.acknowledgedBy!.id)}`, "DELETE"), onSuccess: onChanged });
  const error = ackM.error ?? revokeM.error;

  if (finding.acknowledgedBy) {
    return (
      <div className="mt-1">
        <button type="button" className="rounded border border-stone-300 px-2 py-0.5 text-xs hover:bg-stone-100" disabled={revokeM.isPending} onClick={() => revokeM.mutate()}>
          Revoke acknowledgement
        </button>
        {error && (
          <p role="alert" className="mt-1 text-xs text-red-800">
            {error.message}
          </p>
        )}
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" className="mt-1 rounded border border-stone-300 px-2 py-0.5 text-xs hover:bg-stone-100" onClick={() => setOpen(true)}>
        Acknowledge (admin)…
      </button>
    );
  }
  return (
    <form
      className="mt-1 space-y-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.success) ackM.mutate();
      }}
    >
      <label className="block text-xs text-stone-700">
        Why is {finding.rule} in {finding.revision} safe to run? (kept with the acknowledgement and in the audit trail; an edit of the file voids it)
        <textarea className="mt-0.5 block w-full rounded border border-stone-300 p-1 text-sm" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} name="lint-ack-reason" />
      </label>
      {reason && !parsed.success && <p className="text-xs text-amber-800">{parsed.error.issues[0]?.message}</p>}
      <div className="flex gap-2">
        <button type="submit" className="rounded bg-stone-800 px-2 py-0.5 text-xs text-white disabled:opacity-50" disabled={!parsed.success || ackM.isPending}>
          Acknowledge
        </button>
        <button type="button" className="rounded px-2 py-0.5 text-xs hover:bg-stone-100" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error.message}
        </p>
      )}
    </form>
  );
}
