"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";
import { ZSignOffRequestSchema } from "@/lib/signoffs/signoff.types";

interface Created {
  signOff: { revisions: string[]; environment: string };
  baseline: { fingerprint: string } | { error: string };
}

/** QA's form: "fromRevision..toRevision verified on environment", validated with the route's schema. */
export function SignOffForm({ project, environments, revisions }: { project: string; environments: string[]; revisions: { id: string; message: string }[] }) {
  const router = useRouter();
  const [environment, setEnvironment] = useState(environments[0] ?? "");
  const [fromRevision, setFrom] = useState("");
  const [toRevision, setTo] = useState("heads");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const parsed = ZSignOffRequestSchema.safeParse({ environment, fromRevision, toRevision, note });
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => i.message).join(" "));
      return;
    }
    setBusy(true);
    try {
      const r = await callApi<Created>("POST", `/api/projects/${encodeURIComponent(project)}/signoffs`, parsed.data);
      const n = r.signOff.revisions.length;
      setDone(`Signed off ${n} revision${n === 1 ? "" : "s"} on ${r.signOff.environment}.` + ("error" in r.baseline ? ` The schema baseline could not be taken: ${r.baseline.error}` : " Schema baseline recorded."));
      setNote("");
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const field = "block w-full rounded border border-stone-300 px-2 py-1 text-sm";
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Sign off a revision range">
      <datalist id="signoff-revisions">
        <option value="heads">every head</option>
        {revisions.map((r) => (
          <option key={r.id} value={r.id}>
            {r.message}
          </option>
        ))}
      </datalist>
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="text-sm">
          <span className="font-medium">Environment</span>
          <select value={environment} onChange={(e) => setEnvironment(e.target.value)} className={field}>
            {environments.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="font-medium">From revision (exclusive)</span>
          <input list="signoff-revisions" value={fromRevision} onChange={(e) => setFrom(e.target.value)} placeholder="empty = from base" className={`${field} font-mono`} />
        </label>
        <label className="text-sm">
          <span className="font-medium">To revision</span>
          <input list="signoff-revisions" value={toRevision} onChange={(e) => setTo(e.target.value)} placeholder="id, prefix, heads, label@head" className={`${field} font-mono`} required />
        </label>
      </div>
      <label className="block text-sm">
        <span className="font-medium">Note</span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} className={field} placeholder="What you verified, e.g. checkout and refunds on qa" />
      </label>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Signing off…" : "Sign off"}
        </Button>
        <p className="text-xs text-stone-600">Only revisions applied on the chosen environment can be signed off there.</p>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
    </form>
  );
}
