import type { MigrationScript, Problem } from "@/lib/alembic/types";

/** One revision in the graph, with the facts Alembic derives. */
export interface RevisionNode extends MigrationScript {
  /** Children through down_revision (not depends_on). */
  children: string[];
  /** Revisions that depend on this one through depends_on. */
  dependents: string[];
  /** Branch labels in effect here: its own and those inherited from its branch. */
  effectiveBranchLabels: string[];
  isHead: boolean;
  isBase: boolean;
  isMergePoint: boolean;
  isBranchPoint: boolean;
}

/** The repo's migration graph, identical to Alembic's view of it. */
export interface RevisionGraph {
  revisions: Map<string, RevisionNode>;
  /** Heads in Alembic's order. */
  heads: string[];
  bases: string[];
  /** Every revision in `alembic history` order, newest first. */
  history: string[];
  problems: Problem[];
}

/** A resolved step: the revisions an upgrade applies or a downgrade removes, in execution order. */
export interface MigrationPath {
  direction: "upgrade" | "downgrade";
  /** Revision ids in the order Alembic runs them. */
  steps: string[];
  /** The revisions the version table holds afterwards. */
  resultHeads: string[];
}
