import { describe, expect, it } from "vitest";
import { setBounded } from "@/lib/bounded-map";

describe("setBounded", () => {
  it("keeps at most max entries, dropping the oldest-inserted first", () => {
    const m = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      setBounded(m, `k${i}`, i, 3);
      expect(m.size).toBeLessThanOrEqual(3);
    }
    expect([...m.keys()]).toEqual(["k7", "k8", "k9"]);
  });

  it("replaces an existing key in place without dropping another", () => {
    const m = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    setBounded(m, "a", 10, 2);
    expect([...m]).toEqual([
      ["a", 10],
      ["b", 2],
    ]);
  });

  it("brings an oversized map back under the bound on the next insert", () => {
    const m = new Map([1, 2, 3, 4, 5].map((n) => [n, n] as const));
    setBounded<number, number>(m, 6, 6, 2);
    expect([...m.keys()]).toEqual([5, 6]);
  });
});
