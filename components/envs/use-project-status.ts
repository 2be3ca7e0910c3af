"use client";

/** Where a project's environments stand (polled), and the full list of an environment's pending revisions (on demand). */
import { useQuery } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import type { OverviewEnvironment, OverviewStatus, RevisionSummary } from "@/lib/targets/summarize-project-status";

const projectPath = (project: string) => `/api/projects/${encodeURIComponent(project)}`;

/** The project's status as the page rendered it (read at `readAt`), polled every `pollMs`. */
export function useProjectStatus(project: string, initial: OverviewStatus, readAt: number, pollMs: number) {
  return useQuery({
    queryKey: ["project-status", project],
    queryFn: ({ signal }) => callApi<OverviewStatus>("GET", `${projectPath(project)}/status`, undefined, { signal }),
    initialData: initial,
    initialDataUpdatedAt: readAt,
    refetchInterval: pollMs,
  });
}

export type PendingList = { pending: (RevisionSummary & { id: string })[] };

/** Every revision still to reach `env` (the status carries only the first few); read again when the environment moves. */
export function usePendingRevisions(project: string, env: OverviewEnvironment, enabled: boolean) {
  return useQuery({
    queryKey: ["pending", project, env.name, env.revisions.join(" "), env.pendingCount],
    queryFn: ({ signal }) => callApi<PendingList>("GET", `${projectPath(project)}/envs/${encodeURIComponent(env.name)}/pending`, undefined, { signal }),
    enabled,
    staleTime: Infinity,
  });
}
