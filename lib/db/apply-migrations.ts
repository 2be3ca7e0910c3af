import "server-only";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";

/** Where Cairn's committed store migrations live. */
export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/**
 * One session on the store: a `pg.Client` or a PGlite instance both fit. `exec` runs a whole
 * multi-statement script as PostgreSQL itself splits it (dollar-quoted function bodies included);
 * the advisory lock is per session, so every call must go through the same connection.
 */
export interface MigrationSession {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(script: string): Promise<unknown>;
}

/** A committed migration: `prisma/migrations/<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  script: string;
  /** sha256 of the file, hex: what Prisma Migrate records in `_prisma_migrations.checksum`. */
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  started_at: Date;
}

/**
 * The key Prisma Migrate takes with pg_advisory_lock; sharing it keeps this runner and a
 * `prisma migrate deploy` against the same store from applying the same migration at once.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** A long migration on another instance holds the lock this long at most before a start gives up. */
const DEFAULT_LOCK_WAIT_MS = 5 * 60_000;
const LOCK_POLL_MS = 250;

// Prisma Migrate's own table, column for column, so `prisma migrate status` and `deploy` read it as theirs.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Prisma Migrate's rule: a checkout with other line endings (git on Windows) still matches. */
function matchesChecksum(script: string, recorded: string): boolean {
  return [script, script.replace(/\r\n/g, "\n"), script.replace(/\r?\n/g, "\r\n")].some((s) => sha256(s) === recorded);
}

/** The committed migrations, in the order Prisma applies them (directory names sort by timestamp). */
export function readMigrationFiles(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!fs.existsSync(file)) {
        throw new AppError("config", `store migration ${name} has no migration.sql`, `Cairn's store migration directory ${path.join(dir, name)} has no migration.sql. Restore it from the release, or remove the empty directory.`);
      }
      const script = fs.readFileSync(file, "utf8");
      return { name, script, checksum: sha256(script) };
    });
}

async function takeLock(session: MigrationSession, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await session.query("SELECT pg_try_advisory_lock($1) AS locked", [MIGRATION_LOCK_KEY]);
    if ((rows[0] as { locked: boolean }).locked) return;
    if (Date.now() >= deadline) {
      const { rows: holders } = await session.query(
        `SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [MIGRATION_LOCK_KEY],
      );
      const holder = holders[0] as { pid: number; application_name: string } | undefined;
      const who = holder ? `server process ${holder.pid}${holder.application_name ? ` (${holder.application_name})` : ""}` : "another session";
      throw new AppError(
        "store-locked",
        `store migration lock ${MIGRATION_LOCK_KEY} still held after ${waitMs} ms by ${who}`,
        `Cairn waited ${Math.round(waitMs / 1000)} s for the store's migration lock, held by ${who}: another Cairn instance ` +
          `or a \`prisma migrate deploy\` is still applying migrations to this store. Start Cairn again once it is done; ` +
          `if nothing is migrating, end that session (SELECT pg_terminate_backend(pid)).`,
      );
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

/** Refuses a store whose history this runner must not build on. */
function checkRecorded(files: MigrationFile[], rows: MigrationRow[]): void {
  const failed = rows.find((r) => r.finished_at === null);
  if (failed) {
    const name = failed.migration_name;
    throw new AppError(
      "config",
      `store migration ${name} started at ${failed.started_at.toISOString()} and never finished`,
      `Cairn's store migration ${name} started at ${failed.started_at.toISOString()} and never finished, so no newer ` +
        `migration is applied. Check what of it reached the store, then mark it resolved: \`npx prisma migrate resolve ` +
        `--rolled-back ${name}\` if nothing of it remains (Cairn applies it again), or \`--applied ${name}\` if it was ` +
        `completed by hand. Its recorded error is in the logs column of _prisma_migrations.`,
    );
  }
  for (const row of rows) {
    const file = files.find((f) => f.name === row.migration_name);
    // A migration recorded but not shipped came from a newer Cairn; Prisma Migrate ignores it too.
    if (file && !matchesChecksum(file.script, row.checksum)) {
      throw new AppError(
        "config",
        `store migration ${file.name}: recorded checksum ${row.checksum}, file checksum ${file.checksum}`,
        `Cairn's store migration ${file.name} was applied from a different migration.sql than the one shipped now ` +
          `(recorded sha256 ${row.checksum.slice(0, 12)}…, file ${file.checksum.slice(0, 12)}…): a migration was edited after ` +
          `it ran. Restore prisma/migrations/${file.name}/migration.sql to the version that ran and put the change in a new migration.`,
      );
    }
  }
}

async function applyOne(session: MigrationSession, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.query("BEGIN");
  try {
    // The row, the script and its completion commit together: a failure leaves neither schema
    // changes nor a half-finished row behind, so the next start simply tries again.
    await session.query(`INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, clock_timestamp(), 0)`, [id, file.checksum, file.name]);
    await session.exec(file.script);
    await session.query(`UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1`, [id]);
    await session.query("COMMIT");
  } catch (e) {
    await session.query("ROLLBACK").catch(() => undefined);
    const cause = (e as Error)?.message ?? String(e);
    throw new AppError(
      "internal",
      `store migration ${file.name} failed: ${cause}`,
      `Cairn's store migration ${file.name} failed and was rolled back, so the store is as it was before it. ` + `The database said: ${cause.split("\n")[0]}`,
    );
  }
}

export interface ApplyMigrationsOptions {
  dir?: string;
  /** How long to wait for another instance's migration lock. */
  lockWaitMs?: number;
}

/**
 * Brings the store up to the committed prisma/migrations, keeping `_prisma_migrations` as Prisma
 * Migrate does (and adopting a store it or an earlier Cairn migrated). Several instances may start
 * at once against one PostgreSQL store: the advisory lock lets one apply while the others wait and
 * then find nothing left to do. Returns the names of the migrations this call applied.
 */
export async function applyMigrations(session: MigrationSession, options: ApplyMigrationsOptions = {}): Promise<string[]> {
  const files = readMigrationFiles(options.dir);
  await takeLock(session, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = (await session.query(`SELECT "migration_name", "checksum", "finished_at", "started_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL ORDER BY "started_at"`)).rows as MigrationRow[];
    checkRecorded(files, rows);
    const done = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file.name)) continue;
      await applyOne(session, file);
      applied.push(file.name);
    }
    return applied;
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}
