/**
 * What runs before a migration on an environment (`beforeRun` in cairn.config.json), as stored on the
 * environment and as the run dialog, the run page and the CLI describe it. Pure data.
 */

/** A backup Cairn makes itself: pg_dump -Fc, mysqldump, or SQLite's online backup, into CAIRN_BACKUP_DIR. */
export interface BeforeRunBackup {
  kind: "backup";
  /** How many of this environment's backups to keep (the newest); older ones are deleted after a new one succeeds. */
  keep: number;
  timeoutMs: number;
}

/** The operator's own command (argument array from cairn.config.json only, never a shell). */
export interface BeforeRunCommand {
  kind: "command";
  command: string[];
  timeoutMs: number;
}

export type BeforeRun = BeforeRunBackup | BeforeRunCommand;

/** Backups kept per environment when `keep` is not given. */
export const DEFAULT_BACKUP_KEEP = 7;
/** How long a backup or a before-run command may take when `timeoutMinutes` is not given. */
export const DEFAULT_BACKUP_TIMEOUT_MINUTES = 60;

/** What will happen before a run, said before anyone confirms it (dialog, CLI, run page). */
export interface BeforeRunIntent {
  kind: "backup" | "command";
  /** One sentence: "pg_dump -Fc of production into /var/backups/cairn/shop/production (the newest 7 are kept)." */
  description: string;
  /** backup: the directory the file goes to; null when CAIRN_BACKUP_DIR is not set. */
  directory: string | null;
  /** command: the argv as configured. */
  command?: string[];
  /** A misconfiguration found now (no CAIRN_BACKUP_DIR, directory not writable, pg_dump missing): the run is blocked. */
  problem: string | null;
}

/** A backup as recorded on the run. */
export interface RunBackupRecord {
  file: string | null;
  bytes: number | null;
  restoreCommand: string | null;
  command: string | null;
}

/** Reads the stored `beforeRun` JSON back; anything malformed reads as "nothing configured". */
export function asBeforeRun(value: unknown): BeforeRun | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  const timeoutMs = typeof v.timeoutMs === "number" && v.timeoutMs > 0 ? v.timeoutMs : DEFAULT_BACKUP_TIMEOUT_MINUTES * 60_000;
  if (v.kind === "backup") return { kind: "backup", keep: typeof v.keep === "number" && v.keep >= 1 ? v.keep : DEFAULT_BACKUP_KEEP, timeoutMs };
  if (v.kind === "command" && Array.isArray(v.command) && v.command.length > 0 && v.command.every((x) => typeof x === "string" && x.length > 0)) {
    return { kind: "command", command: v.command as string[], timeoutMs };
  }
  return null;
}

/** A byte count for people: "12.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}
