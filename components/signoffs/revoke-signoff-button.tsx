"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/components/ui/call-api";
import { ZRevokeSignOffSchema } from "@/lib/signoffs/signoff.types";

/** Revoke with a written reason (the reason goes to the audit trail). */
export function RevokeSignOffButton({ project, id }: { project: string; id: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    setError(null);
    const parsed = ZRevokeSignOffSchema.safeParse({ reason });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Say why.");
    setBusy(true);
    try {
      await callApi("POST", `/api/projects/${encodeURIComponent(project)}/signoffs/${encodeURIComponent(id)}/revoke`, parsed.data);
      setOpen(false);
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="text-xs text-red-700 hover:underline">
        Revoke
      </button>
    );
  }
  return (
    <div className="space-y-1">
      <input aria-label="Reason for revoking" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why?" className="w-full rounded border border-stone-300 px-1 py-0.5 text-xs" />
      <div className="flex gap-2">
        <button type="button" disabled={busy} onClick={revoke} className="rounded bg-red-700 px-2 py-0.5 text-xs text-white disabled:opacity-40">
          Confirm revoke
        </button>
        <button type="button" onClick={() => setOpen(false)} className="text-xs text-stone-600 hover:underline">
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
