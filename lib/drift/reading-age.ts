/**
 * How old a stored schema reading may be. Pages and the drift summary read the newest stored reading
 * of each environment instead of every target database on each request (reading 21 environments took
 * 885 ms); the background reads each one about every SCHEMA_READ_INTERVAL_MS, so a reading older than
 * STALE_READING_MS means those reads stopped (the environment was unreachable or no instance ran the
 * schedule) and is shown as stale, never as current. Pure.
 */

/** How often the background reads an environment's schema, before jitter. */
export const SCHEMA_READ_INTERVAL_MS = 15 * 60_000;

/** Up to this much is added to each environment's interval, so 40 environments are not all read in the same second. */
export const SCHEMA_READ_JITTER_MS = 5 * 60_000;

/** Four missed readings: the stored one no longer says how the schema is now. */
export const STALE_READING_MS = 60 * 60_000;

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

/** Whether a reading taken at `readAt` is too old to stand for the schema now. */
export function isStaleReading(readAt: Date | string, now: number = Date.now()): boolean {
  return now - new Date(readAt).getTime() > STALE_READING_MS;
}

/**
 * Each environment's own share of SCHEMA_READ_JITTER_MS, from its id (FNV-1a): the same on every
 * instance and every minute, so environments read together once drift apart and stay apart.
 */
export function readingJitterMs(environmentId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < environmentId.length; i++) {
    h ^= environmentId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % SCHEMA_READ_JITTER_MS;
}

/** Whether the background should read an environment's schema now: never read, or read longer ago than the interval plus its jitter. */
export function isDueForReading(environmentId: string, lastReadAt: Date | null, now: number = Date.now()): boolean {
  return lastReadAt === null || now - lastReadAt.getTime() >= SCHEMA_READ_INTERVAL_MS + readingJitterMs(environmentId);
}
