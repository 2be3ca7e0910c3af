import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";

// The Prisma client is committed (its generator cannot download its engine offline): it must be
// regenerated whenever prisma/schema.prisma changes. The client embeds the schema it was built from.
describe("the committed Prisma client", () => {
  it("was generated from the current prisma/schema.prisma", () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const schema = fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
    const classTs = fs.readFileSync(path.join(root, "lib", "generated", "prisma", "internal", "class.ts"), "utf8");
    const match = /"inlineSchema": ("(?:[^"\\]|\\.)*")/.exec(classTs);
    expect(match, "lib/generated/prisma/internal/class.ts has no inlineSchema").not.toBeNull();
    expect(JSON.parse(match![1]!), "run `prisma generate` (see README, Development) and commit lib/generated/prisma").toBe(schema);
  });
});
