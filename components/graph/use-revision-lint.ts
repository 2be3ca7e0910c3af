"use client";

/** Each revision's lint findings, fetched after the graph has rendered (it may take Alembic a few seconds the first time). */
import { useQuery } from "@tanstack/react-query";
import { ApiError, callApi } from "@/components/ui/call-api";
import type { LintFinding } from "@/lib/lint/types";

export type RevisionLintAnswer = { ok: true; revisions: Record<string, LintFinding[]> } | { ok: false; message: string };

async function fetchRevisionLint(project: string, signal: AbortSignal): Promise<RevisionLintAnswer> {
  try {
    return await callApi<RevisionLintAnswer>("GET", `/api/projects/${encodeURIComponent(project)}/lint`, undefined, { signal });
  } catch (e) {
    // A refusal (lint could not run) is an answer the graph shows beside the revisions, not a broken query.
    if (e instanceof ApiError) return { ok: false, message: e.message };
    throw e;
  }
}

export function useRevisionLint(project: string) {
  // Migration files change only with a deploy, and the server caches per graph version: no polling.
  return useQuery({ queryKey: ["revision-lint", project], queryFn: ({ signal }) => fetchRevisionLint(project, signal), staleTime: Infinity, refetchOnWindowFocus: false });
}
