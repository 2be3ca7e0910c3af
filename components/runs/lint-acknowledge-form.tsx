"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";
import type { LintFinding } from "@/lib/lint/types";
import { ZLintAcknowledgementSchema } from "@/lib/lint-service/lint-acknowledgement.types";

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
  // The graph's badges and the environment page's pending lint show acknowledgements too: asked for again.
  const queryClient = useQueryClient();
  const changed = () => (void queryClient.invalidateQueries({ queryKey: ["revision-lint", project] }), onChanged());
  const ackM = useMutation({ mutationFn: () => callApi<unknown>("POST", base, parsed.data), onSuccess: () => (setOpen(false), setReason(""), changed()) });
  const revokeM = useMutation({ mutationFn: () => callApi<unknown>("DELETE", `${base}/${encodeURIComponent(finding.acknowledgedBy!.id)}`), onSuccess: changed });
  const error = ackM.error ?? revokeM.error;

  if (finding.acknowledgedBy) {
    return (
      <div className="mt-1">
        <Button size="xs" disabled={revokeM.isPending} onClick={() => revokeM.mutate()}>
          Revoke acknowledgement
        </Button>
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
      <Button size="xs" className="mt-1" onClick={() => setOpen(true)}>
        Acknowledge (admin)…
      </Button>
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
        <Button type="submit" variant="primary" size="xs" disabled={!parsed.success || ackM.isPending}>
          Acknowledge
        </Button>
        <Button size="xs" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error.message}
        </p>
      )}
    </form>
  );
}
