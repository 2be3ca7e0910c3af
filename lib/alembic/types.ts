/**
 * Contracts of the static Alembic reader (lib/alembic). What it hands the graph engine — a
 * MigrationScript per file and Problems — is the engine's own contract (lib/graph/types).
 * Pure data: nothing here imports next, react, prisma or pg.
 */
import type { MigrationScript, Problem } from "@/lib/graph/types";

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
