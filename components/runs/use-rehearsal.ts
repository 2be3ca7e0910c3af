"use client";

/** A rehearsal on a throwaway copy: started by a mutation, followed by a query polled while it runs. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import type { RehearsalView } from "@/lib/rehearsal/types";
import type { RunKind } from "@/lib/runs/run-request.types";

/** One rehearsal, polled every second while it runs. */
export function useRehearsal(id: string | null) {
  return useQuery({
    queryKey: ["rehearsal", id],
    queryFn: ({ signal }) => callApi<RehearsalView>("GET", `/api/rehearsals/${encodeURIComponent(id!)}`, undefined, { signal }),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });
}

/** Starts a rehearsal of the path a run of `kind` to `target` would take on `environment`. */
export function useStartRehearsal(project: string, environment: string) {
  return useMutation({
    mutationFn: (request: { kind: RunKind; target?: string }) =>
      callApi<{ rehearsalId: string }>("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/rehearsals`, {
        kind: request.kind,
        ...(request.target ? { target: request.target } : {}),
      }),
  });
}
