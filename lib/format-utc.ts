/** "2026-11-28 05:32:40 UTC": a moment as messages say it (seconds, no zone guessing). Pure. */
export function formatUtc(d: Date): string {
  return `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}
