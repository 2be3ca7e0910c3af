/**
 * Contracts for reading target databases' Alembic version tables and describing where each
 * environment stands. Pure types: nothing here imports a driver.
 */
import type { TargetPools } from "@/lib/targets/target-pools";

/** Exactly one per environment. */
export type EnvironmentState =
  /** The applied rows are exactly the repo's heads. */
  | "current"
  /** Every applied revision is known and `alembic upgrade heads` would apply something. */
  | "behind"
  /** A row names a revision the repo lacks: a branch never merged, or a newer release. */
  | "unknown-revision"
  /** No version table. */
  | "uninitialized"
  /** The version table exists and holds no rows. */
  | "empty"
  /** The database could not be read; `error` says why in plain words. */
  | "unreachable";

/** Why a database could not be read, in words a user can act on. */
export type UnreachableReason =
  | "authentication failed"
  | "connection refused"
  | "database does not exist"
  | "permission denied"
  | "timed out"
  | "host not found"
  | "SQLite file missing"
  | "environment variable not set"
  | "unsupported database"
  | "invalid url"
  | "error";

/** What one read of a version table found. */
export type VersionTableReadResult =
  | {
      ok: true;
      /** False when the version table does not exist. */
      tableExists: boolean;
      /** `version_num` values, in the table's order. */
      revisions: string[];
      /** Declared width of `version_num` (character_maximum_length on PostgreSQL and MySQL, or `VARCHAR(n)` in SQLite). */
      versionNumWidth?: number;
    }
  | {
      ok: false;
      reason: UnreachableReason;
      /** A one-line explanation with no credentials in it. */
      message: string;
    };

export interface ReadVersionTableOptions {
  /** Resolved database URL (never logged). */
  url: string;
  versionTable: string;
  versionTableSchema?: string | null;
  /** Per-environment budget for connecting and querying. */
  timeoutMs: number;
  /** Directory relative SQLite paths are resolved against (the Alembic project's directory). */
  baseDir: string;
  /** Aborted when the caller stops waiting; the reader closes its connection. */
  signal?: AbortSignal;
  /**
   * Keep the connection for the next reading of the same environment (PostgreSQL; other databases
   * close theirs): `scope` names the environment, so no two environments share one.
   */
  keep?: { pools: TargetPools; scope: string };
}

/** One driver: PostgreSQL (pg), MySQL/MariaDB (mysql2), SQLite (better-sqlite3). */
export interface VersionTableReader {
  /** URL schemes this reader handles, e.g. ["postgresql", "postgres"]. */
  readonly schemes: readonly string[];
  /** Never throws for database trouble: failures come back as `{ ok: false }`. */
  readVersionTable(opts: ReadVersionTableOptions): Promise<VersionTableReadResult>;
}

/** Where one environment stands against the repo. */
export interface EnvironmentStatus {
  name: string;
  state: EnvironmentState;
  /** Applied revisions (the version table's rows). */
  revisions: string[];
  /** What `alembic upgrade heads` would apply, in order (also filled for `uninitialized` and `empty`). */
  pending: string[];
  /** Plain-words reason for `unreachable` / explanation for `unknown-revision`. */
  error?: string;
  /** Machine-readable reason when unreachable. */
  reason?: UnreachableReason;
  /** Rows that name revisions the repo lacks. */
  unknownRevisions?: string[];
  versionNumWidth?: number;
  /** Repo revision ids longer than this environment's `version_num` can hold. */
  tooLong: string[];
  /** ISO timestamp of the read. */
  checkedAt: string;
  durationMs: number;
}

/** A project and where each of its environments stands, in promotion order. */
export interface ProjectStatus {
  name: string;
  heads: string[];
  environments: EnvironmentStatus[];
}
