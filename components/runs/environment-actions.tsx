"use client";

import { useState } from "react";
import { RunDialog } from "@/components/runs/run-dialog";
import type { RunKind } from "@/lib/runs/run-request.types";

export interface RevisionOption {
  revision: string;
  message: string;
}

/** The environment's run buttons; each opens the guarded run dialog. */
export function EnvironmentActions({
  project,
  environment,
  previous,
  revisions,
  current,
  canRun,
  isAdmin,
  canAcknowledgeLint,
}: {
  project: string;
  environment: string;
  previous: string | null;
  /** Every revision, newest first, for the picker. */
  revisions: RevisionOption[];
  current: string[];
  canRun: boolean;
  isAdmin: boolean;
  /** The permission table's lint.acknowledge: the run dialog offers to acknowledge error-level lint findings. */
  canAcknowledgeLint: boolean;
}) {
  const [open, setOpen] = useState<{ kind: RunKind; target?: string } | null>(null);
  const [query, setQuery] = useState("");
  const [picked, setPicked] = useState<string>("");
  const q = query.trim().toLowerCase();
  const matches = (q ? revisions.filter((r) => r.revision.toLowerCase().startsWith(q) || r.message.toLowerCase().includes(q)) : revisions).slice(0, 30);
  // Below the current revision means downgrade; the server decides for real when it plans.
  const applied = new Set(current);
  if (!canRun) return <p className="text-sm text-stone-600">Only release managers and admins can run migrations here.</p>;
  const btn = "rounded bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-40";
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <button type="button" className={btn} onClick={() => setOpen({ kind: "upgrade", target: "heads" })}>
          Upgrade to heads
        </button>
        {previous && (
          <button type="button" className={btn} onClick={() => setOpen({ kind: "promotion" })}>
            Promote from {previous}
          </button>
        )}
      </div>
      <fieldset className="rounded border border-stone-200 p-3">
        <legend className="px-1 text-sm font-medium">Upgrade / downgrade to…</legend>
        <input
          aria-label="Search revisions by id prefix or message"
          placeholder="Revision id prefix or message"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="mb-2 block w-full rounded border border-stone-300 px-2 py-1 font-mono text-sm"
        />
        <select
          aria-label="Target revision"
          size={Math.min(8, Math.max(2, matches.length + 1))}
          value={picked}
          onChange={(e) => setPicked(e.target.value)}
          className="block w-full rounded border border-stone-300 font-mono text-xs"
        >
          <option value="base">base — remove every migration</option>
          {matches.map((r) => (
            <option key={r.revision} value={r.revision}>
              {r.revision}
              {applied.has(r.revision) ? " (current)" : ""} — {r.message}
            </option>
          ))}
        </select>
        <div className="mt-2 flex gap-2">
          <button type="button" className={btn} disabled={!picked || picked === "base"} onClick={() => setOpen({ kind: "upgrade", target: picked })}>
            Upgrade to {picked && picked !== "base" ? picked.slice(0, 12) : "…"}
          </button>
          <button type="button" className={btn} disabled={!picked} onClick={() => setOpen({ kind: "downgrade", target: picked })}>
            Downgrade to {picked ? picked.slice(0, 12) : "…"}
          </button>
        </div>
      </fieldset>
      {open && <RunDialog project={project} environment={environment} kind={open.kind} target={open.target} isAdmin={isAdmin} canAcknowledgeLint={canAcknowledgeLint} onClose={() => setOpen(null)} />}
    </div>
  );
}
