"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/components/ui/call-api";

/**
 * "Read now": reads one environment's schema now instead of waiting for the background reading, then
 * refreshes the page, which shows the stored reading. Shown only to those the permission table lets
 * (drift.read); the route checks again.
 */
export function ReadSchemaButton({ project, environment }: { project: string; environment: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function read() {
    setBusy(true);
    setError(null);
    try {
      const { reading } = await callApi<{ reading: { ok: boolean; error: string | null } }>("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/schema-reading`, {});
      if (!reading.ok) setError(reading.error ?? `${environment}'s schema could not be read.`);
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button type="button" onClick={read} disabled={busy} aria-label={`Read ${environment}'s schema now`} className="rounded border border-stone-300 px-2 py-1 text-xs hover:bg-stone-50 disabled:opacity-40">
        {busy ? "Reading…" : "Read now"}
      </button>
      {error && (
        <span role="alert" className="max-w-xs text-xs text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}
