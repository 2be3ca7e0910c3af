/**
 * How old a stored schema reading may be. Pages and the drift summary read the newest stored reading
 * of each environment instead of every target database on each request (reading 21 environments took
 * 885 ms); the background reads each one about every interval (SCHEMA_READ_INTERVAL_MS unless the
 * server sets another), so a reading older than four intervals means those reads stopped (the
 * environment was unreachable or no instance ran the schedule) and is shown as stale, never as
 * current. Pure: the interval is passed in.
 */

/** How often the background reads an environment's schema, before jitter, unless configured (CAIRN_SCHEMA_READ_INTERVAL_SECONDS). */
export const SCHEMA_READ_INTERVAL_MS = 15 * 60_000;

/** Up to a third of the interval is added to each environment's, so 40 environments are not all read in the same second. */
export function readingJitterWindowMs(intervalMs: number = SCHEMA_READ_INTERVAL_MS): number {
  return Math.max(1, Math.round(intervalMs / 3));
}

/** The jitter window at the default interval (5 minutes). */
export const SCHEMA_READ_JITTER_MS = readingJitterWindowMs(SCHEMA_READ_INTERVAL_MS);

/** Four missed readings: the stored one no longer says how the schema is now. */
export function staleReadingMs(intervalMs: number = SCHEMA_READ_INTERVAL_MS): number {
  return 4 * intervalMs;
}

/** Stale after an hour at the default interval. */
export const STALE_READING_MS = staleReadingMs(SCHEMA_READ_INTERVAL_MS);

/** "just now", "42 s ago", "3 min ago", "2 h ago", "3 days ago". */
export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** Whether a reading taken at `readAt` is too old to stand for the schema now (four intervals). */
export function isStaleReading(readAt: Date | string, now: number = Date.now(), intervalMs: number = SCHEMA_READ_INTERVAL_MS): boolean {
  return now - new Date(readAt).getTime() > staleReadingMs(intervalMs);
}

/**
 * Each environment's own share of the jitter window, from its id (FNV-1a): the same on every
 * instance and every minute, so environments read together once drift apart and stay apart.
 */
export function readingJitterMs(environmentId: string, intervalMs: number = SCHEMA_READ_INTERVAL_MS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < environmentId.length; i++) {
    h ^= environmentId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % readingJitterWindowMs(intervalMs);
}

/** Whether the background should read an environment's schema now: never read, or read longer ago than the interval plus its jitter. */
export function isDueForReading(environmentId: string, lastReadAt: Date | null, now: number = Date.now(), intervalMs: number = SCHEMA_READ_INTERVAL_MS): boolean {
  return lastReadAt === null || now - lastReadAt.getTime() >= intervalMs + readingJitterMs(environmentId, intervalMs);
}
