/** What GET /api/projects/:project/graph-at-ref answers (pure types, shared with the graph page). */

export interface ProjectAtRef {
  ref: string;
  commit: string;
  baseCommit?: string;
  revisions: number;
  heads: string[];
  comparison: GraphComparison;
  /** Error-level problems of the migrations at the ref, paths relative to the project. */
  errors: string[];
  /** Each environment, in promotion order: what `upgrade heads` would apply if the ref were deployed. */
  environments: PendingAtRef[];
}

export interface GraphComparison {
  base: string;
  target: string;
  added: string[];
  removed: string[];
  /** Same revision id, different file contents. */
  edited: string[];
  /** Heads of the target that are not heads of the base. */
  newHeads: string[];
  heads: { base: string[]; target: string[] };
}

export type PendingAtRef = { environment: string; applied: string[]; pending: string[] } | { environment: string; applied: string[]; error: string };
