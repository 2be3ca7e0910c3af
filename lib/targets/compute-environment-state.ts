import { upgradePath } from "@/lib/graph/migration-path";
import { isAppError } from "@/lib/errors";
import type { RevisionGraph } from "@/lib/graph/types";
import type { EnvironmentStatus, VersionTableReadResult } from "@/lib/targets/types";

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
  const tooLong = width === undefined ? [] : tooLongIds(graph, width);
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

/**
 * Per graph (one object per graph version: readers cache it while its files are unchanged), what was
 * already worked out: 20 environments polled every 10 s asked for the same 2,000-step paths again.
 */
const memo = new WeakMap<RevisionGraph, { pending: Map<string, { steps: string[]; error?: string }>; tooLong: Map<number, string[]> }>();

function memoOf(graph: RevisionGraph) {
  let m = memo.get(graph);
  if (!m) memo.set(graph, (m = { pending: new Map(), tooLong: new Map() }));
  return m;
}

function tooLongIds(graph: RevisionGraph, width: number): string[] {
  const m = memoOf(graph).tooLong;
  let ids = m.get(width);
  if (!ids) m.set(width, (ids = [...graph.revisions.keys()].filter((id) => id.length > width).sort()));
  return [...ids];
}

function pendingFrom(graph: RevisionGraph, current: string[]): { steps: string[]; error?: string } {
  const m = memoOf(graph).pending;
  const key = [...current].sort().join(" ");
  let found = m.get(key);
  if (!found) m.set(key, (found = computePending(graph, current)));
  return { ...found, steps: [...found.steps] };
}

function computePending(graph: RevisionGraph, current: string[]): { steps: string[]; error?: string } {
  if (graph.heads.length === 0) return { steps: [] };
  try {
    return { steps: upgradePath(graph, current, "heads").steps };
  } catch (e) {
    // The graph cannot say what `upgrade heads` would do (e.g. rows that overlap); show why, keep the state.
    return { steps: [], error: isAppError(e) ? e.userMessage : "the pending revisions could not be worked out from the migration graph" };
  }
}
