"use client";

/** Each revision's lint findings, fetched after the graph has rendered (it may take Alembic a few seconds the first time). */
import { useQuery } from "@tanstack/react-query";
import type { LintFinding } from "@/lib/lint/types";

export type RevisionLintAnswer = { ok: true; revisions: Record<string, LintFinding[]> } | { ok: false; message: string };

async function fetchRevisionLint(project: string): Promise<RevisionLintAnswer> {
  const res = await fetch(`/api/projects/${encodeURIComponent(project)}/lint`, { headers: { accept: "application/json" } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    return { ok: false, message: message ?? `The server answered ${res.status}.` };
  }
  return body as RevisionLintAnswer;
}

export function useRevisionLint(project: string) {
  // Migration files change only with a deploy, and the server caches per graph version: no polling.
  return useQuery({ queryKey: ["revision-lint", project], queryFn: () => fetchRevisionLint(project), staleTime: Infinity, refetchOnWindowFocus: false });
}
