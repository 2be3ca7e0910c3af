"use client";

/** One run, live: its state polled until it finishes, and the decisions on it (approve, reject, cancel). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import type { RunView } from "@/lib/runs/run-request.types";

/** The answer of GET /api/runs/:id: the run, and whether the reader may decide or cancel it. */
export type RunState = { run: RunView; mayDecide: boolean; mayCancel: boolean };

/** Statuses after which a run no longer changes: polling stops. */
export const FINISHED_RUN_STATUSES = ["succeeded", "failed", "interrupted", "cancelled", "rejected", "stale"];

export const runKey = (id: string) => ["run", id] as const;

/** The run as the page rendered it, then polled every 1.5 s until it has finished. */
export function useRun(initial: RunState) {
  return useQuery({
    queryKey: runKey(initial.run.id),
    queryFn: ({ signal }) => callApi<RunState>("GET", `/api/runs/${encodeURIComponent(initial.run.id)}`, undefined, { signal }),
    initialData: initial,
    refetchInterval: (query) => (FINISHED_RUN_STATUSES.includes(query.state.data?.run.status ?? "") ? false : 1500),
  });
}

/** Approve, reject or cancel a run (reject and cancel carry a reason); the run is read again either way. */
export function useRunDecision(id: string, action: "approve" | "reject" | "cancel") {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason?: string) => callApi<unknown>("POST", `/api/runs/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {}),
    onSettled: () => qc.invalidateQueries({ queryKey: runKey(id) }),
  });
}
