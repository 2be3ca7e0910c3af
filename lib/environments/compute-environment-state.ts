import { upgradePath } from "@/lib/graph/migration-path";
import { isAppError } from "@/lib/errors";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EnvironmentStatus, VersionTableReadResult } from "@/lib/environments/types";

export interface ComputeEnvironmentStateInput {
  name: string;
  graph: RevisionGraph;
  read: VersionTableReadResult;
  checkedAt: Date | string;
  durationMs: number;
}

/**
 * Where one environment stands against the repo, from what its version table holds. Pure.
 * Several rows are normal (independent branches side by side); each must be a known revision.
 */
export function computeEnvironmentState(input: ComputeEnvironmentStateInput): EnvironmentStatus {
  const { name, graph, read } = input;
  const base = {
    name,
    checkedAt: typeof input.checkedAt === "string" ? input.checkedAt : input.checkedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
  };
  if (!read.ok) {
    return { ...base, state: "unreachable", revisions: [], pending: [], tooLong: [], error: read.message, reason: read.reason };
  }
  const width = read.versionNumWidth;
  const tooLong = width === undefined ? [] : [...graph.revisions.keys()].filter((id) => id.length > width).sort();
  const measured = { ...(width !== undefined ? { versionNumWidth: width } : {}), tooLong };
  const revisions = [...read.revisions];

  if (!read.tableExists || revisions.length === 0) {
    const pending = pendingFrom(graph, []);
    return { ...base, ...measured, state: read.tableExists ? "empty" : "uninitialized", revisions, pending: pending.steps, ...(pending.error ? { error: pending.error } : {}) };
  }

  const unknown = revisions.filter((r) => !graph.revisions.has(r));
  if (unknown.length > 0) {
    const list = unknown.join(", ");
    return {
      ...base,
      ...measured,
      state: "unknown-revision",
      revisions,
      pending: [],
      unknownRevisions: unknown,
      error: `stamped at a revision the repo lacks (${list}): a branch never merged, or a newer release`,
    };
  }

  const heads = new Set(graph.heads);
  const applied = new Set(revisions);
  if (applied.size === heads.size && [...applied].every((r) => heads.has(r))) {
    return { ...base, ...measured, state: "current", revisions, pending: [] };
  }
  const pending = pendingFrom(graph, revisions);
  return { ...base, ...measured, state: "behind", revisions, pending: pending.steps, ...(pending.error ? { error: pending.error } : {}) };
}

function pendingFrom(graph: RevisionGraph, current: string[]): { steps: string[]; error?: string } {
  if (graph.heads.length === 0) return { steps: [] };
  try {
    return { steps: upgradePath(graph, current, "heads").steps };
  } catch (e) {
    // The graph cannot say what `upgrade heads` would do (e.g. rows that overlap); show why, keep the state.
    return { steps: [], error: isAppError(e) ? e.userMessage : "the pending revisions could not be worked out from the migration graph" };
  }
}
