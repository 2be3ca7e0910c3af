/**
 * Contracts of the static Alembic reader (lib/alembic) and the graph engine (lib/graph).
 * Pure data: nothing here imports next, react, prisma or pg.
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

/** Where a project's migrations live, resolved the way Alembic resolves them. */
export interface AlembicLocation {
  /** The alembic.ini or pyproject.toml read, if any. */
  configFile?: string;
  /** The directory Alembic runs in (the config file's directory, or the versions directory). */
  rootDir: string;
  scriptLocation?: string;
  versionLocations: string[];
  recursiveVersionLocations: boolean;
}

/** Everything read from a project: the scripts that loaded, and problems with the files that did not. */
export interface LoadedProject {
  location: AlembicLocation;
  scripts: MigrationScript[];
  problems: Problem[];
  /** Files read from disk vs. served from the per-file cache. */
  stats: { files: number; parsed: number; cached: number };
}
