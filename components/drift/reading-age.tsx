import { describeAge } from "@/lib/drift/reading-age";
import { formatUtc } from "@/lib/format-utc";

/**
 * How old an environment's stored schema reading is ("schema read 3 min ago"), amber when stale, red
 * with why when it failed, and "never read" when there is none: a reading that is old or failed is
 * said to be so, never shown as the schema now.
 */
export function ReadingAge({ reading, now }: { reading: { readAt: string | null; stale: boolean; fingerprint: string | null; error: string | null }; now: number }) {
  if (!reading.readAt) return <span className="text-xs text-stone-600">schema not read yet</span>;
  const at = new Date(reading.readAt);
  const age = describeAge(now - at.getTime());
  if (!reading.fingerprint) {
    return (
      <span className="text-xs text-red-800" title={formatUtc(at)}>
        reading failed {age}
      </span>
    );
  }
  return (
    <span className={`text-xs ${reading.stale ? "font-medium text-amber-900" : "text-stone-600"}`} title={formatUtc(at)}>
      schema read {age}
      {reading.stale ? " (stale)" : ""}
    </span>
  );
}
