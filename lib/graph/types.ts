/**
 * Contracts of the graph engine (lib/graph): what it takes — a MigrationScript per migration file,
 * as the static reader (lib/alembic) produces them — and what it gives: the RevisionGraph with its
 * Problems. Pure data.
 */
export type Severity = "error" | "warning" | "info";

/** A problem found in a project, with a stable code. The graph is still built from everything else. */
export interface Problem {
  /** Stable, kebab-case, e.g. "dangling-down-revision", "multiple-heads", "revision-too-long". */
  code: string;
  severity: Severity;
  revision?: string;
  /** Absolute path of the file concerned. */
  path?: string;
  /** 1-based line. */
  line?: number;
  /** What is wrong, where, and how to fix it. */
  message: string;
  /** Extra machine-readable facts (e.g. `suggestion` for a "did you mean"). */
  data?: Record<string, unknown>;
}

/** What one migration file declares, read statically. */
export interface MigrationScript {
  revision: string;
  /** Parents in declaration order; [] for a base. */
  downRevisions: string[];
  branchLabels: string[];
  dependsOn: string[];
  /** Absolute path. */
  path: string;
  /** First paragraph of the module docstring ("" when none). */
  message: string;
  /** The docstring's `Create Date:` value, as written. */
  createDate?: string;
  /** 1-based lines of the assignments that set each attribute, for problems. */
  lines: { revision?: number; downRevision?: number; branchLabels?: number; dependsOn?: number };
}

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
  /**
   * The down revisions the graph actually links: `downRevisions` minus dangling references and
   * minus edges dropped to break a cycle (both reported as problems). Equal to `downRevisions`
   * for a healthy project.
   */
  parents?: string[];
  /** `dependsOn` resolved to revision ids (branch labels resolved), as Alembic's `_add_depends_on`. */
  resolvedDependsOn?: string[];
  /** `resolvedDependsOn` minus what an ancestor already depends on (Alembic's `_normalize_depends_on`). */
  normalizedDependsOn?: string[];
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
  /** Heads counting depends_on too (Alembic's `_real_heads`): what the symbol `heads` resolves to. */
  realHeads?: string[];
  /** Declared branch label → the revision that declares it (Alembic puts these in its revision map). */
  branchLabels?: Map<string, string>;
}

/** A resolved step: the revisions an upgrade applies or a downgrade removes, in execution order. */
export interface MigrationPath {
  direction: "upgrade" | "downgrade";
  /** Revision ids in the order Alembic runs them. */
  steps: string[];
  /** The revisions the version table holds afterwards. */
  resultHeads: string[];
  /**
   * Set when Alembic's own version-table bookkeeping (HeadMaintainer) would fail part-way through
   * this plan — it happens with some depends_on shapes; the run would stop with a KeyError.
   */
  versionTableError?: string;
}
