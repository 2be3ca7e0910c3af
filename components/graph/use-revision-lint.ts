"use client";

/**
 * Per-revision lint for the graph and the environment page. The graph fetches every revision's badge
 * (counts and rules, a few bytes each) after it has rendered — the first lint of a graph version runs
 * Alembic, which may take a few seconds — and one revision's findings when its side panel opens; the
 * environment page asks for the open findings of its pending revisions alone.
 */
import { useQuery } from "@tanstack/react-query";
import { ApiError, callApi } from "@/components/ui/call-api";
import type { RevisionLintSummary } from "@/lib/lint/summarize-revision-lint";
import type { RevisionLintFindings } from "@/lib/lint-service/revision-lint.types";

const lintUrl = (project: string) => `/api/projects/${encodeURIComponent(project)}/lint`;

/** A refusal (lint could not run, a revision the server no longer has) is an answer shown beside the revisions, not a broken query. */
async function asAnswer<T>(call: Promise<T>): Promise<T | { ok: false; message: string }> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, message: e.message };
    throw e;
  }
}

// Migration files change only with a deploy, and the server caches per graph version: no polling. An
// admin's acknowledgement invalidates these queries (LintAcknowledgeForm).
const once = { staleTime: Infinity, refetchOnWindowFocus: false } as const;

/** Every revision's badge. */
export function useRevisionLint(project: string) {
  return useQuery({ queryKey: ["revision-lint", project], queryFn: ({ signal }) => asAnswer(callApi<RevisionLintSummary>("GET", lintUrl(project), undefined, { signal })), ...once });
}

/** One revision's findings (the side panel); fetched only when `enabled` (its badge says it has some). */
export function useRevisionLintFindings(project: string, revision: string, enabled: boolean) {
  return useQuery({
    queryKey: ["revision-lint", project, "revision", revision],
    queryFn: ({ signal }) => asAnswer(callApi<RevisionLintFindings>("GET", `${lintUrl(project)}?${new URLSearchParams({ revision })}`, undefined, { signal })),
    enabled,
    ...once,
  });
}

/**
 * The open findings of the revisions named (an environment's pending path), sent in the body: thousands of
 * ids do not fit a URL. At most `limit` findings come back, with the counts of all.
 */
export function usePendingLintFindings(project: string, pending: readonly string[], limit: number) {
  return useQuery({
    queryKey: ["revision-lint", project, "pending", pending, limit],
    queryFn: ({ signal }) => asAnswer(callApi<RevisionLintFindings>("POST", lintUrl(project), { revisions: pending, open: true, limit }, { signal })),
    enabled: pending.length > 0,
    ...once,
  });
}
