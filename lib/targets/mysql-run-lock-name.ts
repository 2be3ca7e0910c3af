import { createHash } from "node:crypto";

/**
 * The name `cairn_run.py` passes to GET_LOCK for a database: `cairn-run:` + sha1(database name).
 * GET_LOCK names are server-wide and at most 64 characters, so the name carries the database,
 * hashed. Kept here so Node code and tests name the same lock as the runner.
 */
export function mysqlRunLockName(database: string): string {
  return `cairn-run:${createHash("sha1").update(database, "utf8").digest("hex")}`;
}
