/**
 * What the overview and its poll are sent of a project's status: counts and the first few pending
 * ids instead of every pending path (20 environments on a 2,000-revision chain were 19,000 ids,
 * 5.9 MB of HTML and ~300 KB per poll). The full list of one environment is fetched when opened.
 * Pure: takes data, returns data.
 */
import type { RevisionGraph } from "@/lib/graph/types";
import type { EnvironmentStatus, ProjectStatus } from "@/lib/targets/types";

/** How many pending ids each environment carries on the overview; the rest load on demand. */
export const OVERVIEW_PENDING_SHOWN = 3;
/** Longer messages are cut on the overview (the graph and the pending list show them whole). */
const MESSAGE_CHARS = 120;

/** What the matrix shows of a revision. */
export interface RevisionSummary {
  message: string;
  createDate?: string;
  branchLabels: string[];
}

/** The last run that executed on an environment, when it did not finish cleanly. */
export interface LastRunProblem {
  id: string;
  status: "failed" | "interrupted";
  kind: string;
  target: string;
  /** ISO time it finished (or was requested, when it never recorded an end). */
  at: string;
}

/** An environment on the overview: its status without the full pending path. */
export interface OverviewEnvironment extends Omit<EnvironmentStatus, "pending"> {
  pendingCount: number;
  /** The first OVERVIEW_PENDING_SHOWN pending ids, in the order they would run. */
  pendingFirst: string[];
  /** tooLong ids still to come here (pending), the rest of tooLong being already recorded. */
  tooLongPending: string[];
  /**
   * Revisions applied here that the environment before it in the promotion order lacks, e.g.
   * production ahead of staging after a staging downgrade.
   */
  ahead?: { of: string; count: number; first: string[] };
  lastRunProblem?: LastRunProblem;
}

export interface OverviewStatus {
  name: string;
  heads: string[];
  revisionCount: number;
  /** Graph problems of severity error (the graph page lists them). */
  graphErrorCount: number;
  environments: OverviewEnvironment[];
  /** Summaries of every revision id the environments above mention. */
  revisions: Record<string, RevisionSummary>;
}

/** Where each environment can be compared by what is applied: the states whose pending path is known. */
const COMPARABLE = new Set(["current", "behind", "empty", "uninitialized"]);
/** An error on such a state means the graph could not say what is pending: nothing to compare. */
const comparable = (e: EnvironmentStatus) => COMPARABLE.has(e.state) && !e.error;

/**
 * Compacts a project's status for the overview, flags environments ahead of their predecessor in
 * the promotion order (the order of `status.environments`) and attaches last-run problems by name.
 */
export function summarizeProjectStatus(status: ProjectStatus, graph: RevisionGraph, lastRunProblems: ReadonlyMap<string, LastRunProblem> = new Map(), shown: number = OVERVIEW_PENDING_SHOWN): OverviewStatus {
  const wanted = new Set<string>();
  const environments = status.environments.map((env, i): OverviewEnvironment => {
    const { pending, ...rest } = env;
    // A set of thousands of ids per environment per poll was most of this function's time: built
    // only when needed (see below).
    let pendingSet: Set<string> | undefined;
    const isPending = (id: string) => (pendingSet ??= new Set(pending)).has(id);
    const out: OverviewEnvironment = {
      ...rest,
      pendingCount: pending.length,
      pendingFirst: pending.slice(0, shown),
      tooLongPending: env.tooLong.filter(isPending),
    };
    const before = i > 0 ? status.environments[i - 1]! : undefined;
    if (before && comparable(before) && comparable(env) && !endsWith(pending, before.pending)) {
      // Every revision is applied or pending (upgrade heads applies all the rest), so what the
      // predecessor still has pending but this environment does not is applied here only. (When the
      // predecessor's path is the end of this one's — the usual order — nothing is.)
      const aheadIds = before.pending.filter((id) => !isPending(id));
      if (aheadIds.length > 0) out.ahead = { of: before.name, count: aheadIds.length, first: aheadIds.slice(-shown) };
    }
    const problem = lastRunProblems.get(env.name);
    if (problem) out.lastRunProblem = problem;
    for (const id of [...env.revisions, ...out.pendingFirst, ...(out.ahead?.first ?? [])]) wanted.add(id);
    return out;
  });
  const revisions: Record<string, RevisionSummary> = {};
  for (const id of wanted) {
    const node = graph.revisions.get(id);
    if (node) revisions[id] = summarizeRevision(node);
  }
  const graphErrorCount = graph.problems.filter((p) => p.severity === "error").length;
  return { name: status.name, heads: status.heads, revisionCount: graph.revisions.size, graphErrorCount, environments, revisions };
}

/** Whether `list` ends with `tail`, element by element. */
function endsWith(list: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > list.length) return false;
  const offset = list.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (list[offset + i] !== tail[i]) return false;
  return true;
}

export function summarizeRevision(node: { message: string; createDate?: string; branchLabels: string[] }): RevisionSummary {
  const message = node.message.length > MESSAGE_CHARS ? `${node.message.slice(0, MESSAGE_CHARS - 1)}…` : node.message;
  return { message, ...(node.createDate ? { createDate: node.createDate } : {}), branchLabels: node.branchLabels };
}
