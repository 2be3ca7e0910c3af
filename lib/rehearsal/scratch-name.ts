/**
 * Names of scratch databases and the assertion that a scratch database is never the target.
 * Pure.
 */
import { AppError } from "@/lib/errors";

export const SCRATCH_PREFIX = "cairn_rehearsal_";

/**
 * The one-row table holding a MySQL/MariaDB copy's owner record (MySQL has no database comments):
 * made in the copy before the target's schema is loaded, and left out of the copy's snapshots.
 */
export const SCRATCH_OWNER_TABLE = "cairn_rehearsal_owner";

/** `cairn_rehearsal_<id>`: lower-case letters, digits and `_` only, at most 63 bytes (PostgreSQL's limit). */
export function scratchDatabaseName(id: string): string {
  const clean = id.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (!clean) throw new AppError("internal", `bad rehearsal id ${JSON.stringify(id)}`);
  return `${SCRATCH_PREFIX}${clean}`.slice(0, 63);
}

export function isScratchDatabaseName(name: string): boolean {
  return /^cairn_rehearsal_[a-z0-9]+$/.test(name);
}

/** Where a PostgreSQL database lives, as far as "is it the same one" goes. */
export interface DatabaseAddress {
  host: string;
  port: string;
  database: string;
}

/**
 * Refuses when the scratch database could be the target: the same database name on the same
 * server, or a name that is not a scratch name. Rehearsals write freely to the scratch copy, so
 * this is what keeps them off the target.
 */
export function assertScratchIsNotTarget(scratch: DatabaseAddress, target: DatabaseAddress): void {
  const sameServer = scratch.host.toLowerCase() === target.host.toLowerCase() && scratch.port === target.port;
  if (!isScratchDatabaseName(scratch.database) || (sameServer && scratch.database === target.database) || target.database.startsWith(SCRATCH_PREFIX)) {
    throw new AppError(
      "internal",
      `refusing scratch ${scratch.database} for target ${target.database}`,
      `Cairn refused to rehearse: the scratch database ${scratch.database} could be the target database ${target.database} itself. A rehearsal never writes to its target.`,
    );
  }
}
