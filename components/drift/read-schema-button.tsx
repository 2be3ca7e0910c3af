"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";

/**
 * "Read now": reads one environment's schema now instead of waiting for the background reading, then
 * refreshes the page, which shows the stored reading. Shown only to those the permission table lets
 * (drift.read); the route checks again.
 */
export function ReadSchemaButton({ project, environment }: { project: string; environment: string }) {
  const router = useRouter();
  const read = useMutation({
    mutationFn: () => callApi<{ reading: { ok: boolean; error: string | null } }>("POST", `/api/projects/${encodeURIComponent(project)}/envs/${encodeURIComponent(environment)}/schema-reading`, {}),
    onSuccess: () => router.refresh(),
  });
  // A reading that failed is an answer, not a refused call: the page still refreshes to show it, and its reason shows here.
  const error = read.isError ? read.error.message : read.data && !read.data.reading.ok ? (read.data.reading.error ?? `${environment}'s schema could not be read.`) : null;
  return (
    <span className="inline-flex flex-col gap-1">
      <Button size="xs" onClick={() => read.mutate()} disabled={read.isPending} aria-label={`Read ${environment}'s schema now`}>
        {read.isPending ? "Reading…" : "Read now"}
      </Button>
      {error && (
        <span role="alert" className="max-w-xs text-xs text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}
