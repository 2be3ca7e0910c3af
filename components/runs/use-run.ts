"use client";

/** One run, live: its state polled until it finishes, and the decisions on it (approve, reject, cancel). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import { isOpenRunStatus, type RunView } from "@/lib/runs/run-request.types";

/** The answer of GET /api/runs/:id: the run, and whether the reader may decide or cancel it. */
export type RunState = { run: RunView; mayDecide: boolean; mayCancel: boolean };

export const runKey = (id: string) => ["run", id] as const;

/** The run as the page rendered it, then polled every 1.5 s until it has finished (is no longer open: after that it does not change). */
export function useRun(initial: RunState) {
  return useQuery({
    queryKey: runKey(initial.run.id),
    queryFn: ({ signal }) => callApi<RunState>("GET", `/api/runs/${encodeURIComponent(initial.run.id)}`, undefined, { signal }),
    initialData: initial,
    refetchInterval: (query) => {
      const status = query.state.data?.run.status;
      return status === undefined || isOpenRunStatus(status) ? 1500 : false;
    },
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
