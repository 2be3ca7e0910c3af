"use client";

/** The run dialog's resources: the plan of a run request (a query), and the request itself (a mutation). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/components/ui/call-api";
import type { RunPlan, TRunRequest } from "@/lib/runs/run-request.types";

const runsPath = (project: string, environment: string) => `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/runs`;

/** Every plan of one environment: invalidated when something the gates read changed (a rehearsal, a lint acknowledgement). */
export const runPlansKey = (project: string, environment: string) => ["run-plan", project, environment] as const;

// Each plan reads the environment's version table and asks Alembic for the SQL (a second or more):
// typing a confirmation plans once the typing pauses, not on every key.
const SETTLE_MS = 400;

function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The server's plan for `request`, planned again whenever the request changes (once typing settles).
 * The last plan stays on screen while the next is computed (`isPlaceholderData`); a superseded
 * request is aborted. `upToDate` is true only when the plan shown answers the request as it stands.
 */
export function useRunPlan(project: string, environment: string, request: TRunRequest) {
  const current = JSON.stringify(request);
  const settled = useSettled(current, SETTLE_MS);
  const query = useQuery({
    queryKey: [...runPlansKey(project, environment), settled],
    queryFn: ({ signal }) => callApi<RunPlan>("POST", `${runsPath(project, environment)}/plan`, JSON.parse(settled), { signal }),
    placeholderData: keepPreviousData,
    // A plan runs Alembic: only a changed request (or an invalidation) plans again, never a refocus or a retry.
    refetchOnWindowFocus: false,
    retry: false,
    gcTime: 0,
  });
  const upToDate = settled === current && !query.isFetching && !query.isError && !query.isPlaceholderData;
  return { ...query, upToDate };
}

/** Plans the environment's runs again with the same inputs (the gates read something that changed). */
export function useReplanRuns(project: string, environment: string) {
  const qc = useQueryClient();
  return useCallback(() => void qc.invalidateQueries({ queryKey: runPlansKey(project, environment) }), [qc, project, environment]);
}

/** Requests the run; the server plans again and evaluates every gate before it accepts. */
export function useRequestRun(project: string, environment: string) {
  return useMutation({
    mutationFn: (request: TRunRequest) => callApi<{ runId: string; status: string }>("POST", runsPath(project, environment), request),
  });
}
