import { describe, expect, it } from "vitest";
import { describeAge, isDueForReading, isStaleReading, readingJitterMs, SCHEMA_READ_INTERVAL_MS, SCHEMA_READ_JITTER_MS, STALE_READING_MS } from "@/lib/drift/reading-age";

describe("schema reading age", () => {
  it("says how old a reading is in words", () => {
    expect(describeAge(2_000)).toBe("just now");
    expect(describeAge(42_000)).toBe("42 s ago");
    expect(describeAge(3 * 60_000)).toBe("3 min ago");
    expect(describeAge(2 * 3_600_000)).toBe("2 h ago");
    expect(describeAge(3 * 86_400_000)).toBe("3 days ago");
  });

  it("a reading older than STALE_READING_MS is stale", () => {
    const now = Date.parse("2026-11-28T10:00:00Z");
    expect(isStaleReading(new Date(now - STALE_READING_MS + 1000), now)).toBe(false);
    expect(isStaleReading(new Date(now - STALE_READING_MS - 1000), now)).toBe(true);
  });

  it("spreads environments over the jitter window, the same way every time", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const jitters = ids.map((id) => readingJitterMs(id));
    expect(jitters).toEqual(ids.map((id) => readingJitterMs(id)));
    expect(Math.min(...jitters)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...jitters)).toBeLessThan(SCHEMA_READ_JITTER_MS);
    // 40 environments land in at least 30 distinct seconds of the 5-minute window.
    expect(new Set(jitters.map((j) => Math.floor(j / 1000))).size).toBeGreaterThan(30);
  });

  it("an environment is due when never read, or read longer ago than the interval plus its jitter", () => {
    const id = "env-1";
    const now = Date.parse("2026-11-28T10:00:00Z");
    expect(isDueForReading(id, null, now)).toBe(true);
    expect(isDueForReading(id, new Date(now - SCHEMA_READ_INTERVAL_MS + 1000), now)).toBe(false);
    expect(isDueForReading(id, new Date(now - SCHEMA_READ_INTERVAL_MS - readingJitterMs(id)), now)).toBe(true);
  });

  it("a configured interval scales the jitter (a third of it) and staleness (four intervals)", () => {
    const id = "env-1";
    const now = Date.parse("2026-11-28T10:00:00Z");
    const interval = 60_000;
    expect(readingJitterMs(id, interval)).toBeLessThan(20_000);
    expect(isDueForReading(id, new Date(now - interval + 1000), now, interval)).toBe(false);
    expect(isDueForReading(id, new Date(now - interval - readingJitterMs(id, interval)), now, interval)).toBe(true);
    expect(isStaleReading(new Date(now - 4 * interval + 1000), now, interval)).toBe(false);
    expect(isStaleReading(new Date(now - 4 * interval - 1000), now, interval)).toBe(true);
  });
});
