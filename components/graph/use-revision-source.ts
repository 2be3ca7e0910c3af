"use client";

/** One revision's migration file, as the revision panel shows it. */
import { useQuery } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";

export interface RevisionSource {
  revision: { relativePath: string; createDate: string | null };
  source: string;
}

export function useRevisionSource(project: string, id: string) {
  // Migration files change only with a deploy: no polling, no refetch on focus.
  return useQuery({
    queryKey: ["revision-source", project, id],
    queryFn: ({ signal }) => callApi<RevisionSource>("GET", `/api/projects/${encodeURIComponent(project)}/revisions/${encodeURIComponent(id)}`, undefined, { signal }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}
