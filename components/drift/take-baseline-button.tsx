"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/components/ui/call-api";

/** Records the environment's current schema as its baseline (release managers and admins). */
export function TakeBaselineButton({ project, environment }: { project: string; environment: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  async function take() {
    setBusy(true);
    setMsg(null);
    try {
      await callApi("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/baseline`, {});
      setMsg({ ok: true, text: "Baseline recorded." });
      router.refresh();
    } catch (e) {
      setMsg({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        onClick={take}
        disabled={busy}
        aria-label={`Take baseline now for ${environment}`}
        className="rounded border border-stone-300 px-2 py-1 text-xs hover:bg-stone-50 disabled:opacity-40"
      >
        {busy ? "Taking baseline…" : "Take baseline now"}
      </button>
      {msg && (
        <span role={msg.ok ? "status" : "alert"} className={`text-xs ${msg.ok ? "text-green-800" : "text-red-800"}`}>
          {msg.text}
        </span>
      )}
    </span>
  );
}
