import { describe, expect, it } from "vitest";
import { cacheFileName } from "@/lib/alembic/cache-file-name";

describe("cacheFileName", () => {
  it("is stable for a key and differs between nearby keys", () => {
    const a = cacheFileName("graph", '{"configFile":"/srv/app/alembic.ini"}', ".out");
    expect(a).toMatch(/^graph-[0-9a-f]{16}\.out$/);
    expect(cacheFileName("graph", '{"configFile":"/srv/app/alembic.ini"}', ".out")).toBe(a);
    const names = new Set<string>();
    for (let i = 0; i < 10_000; i++) names.add(cacheFileName("p", `/srv/app${i}/migrations/versions`, ""));
    expect(names.size).toBe(10_000);
  });
});
