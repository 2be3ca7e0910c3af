import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { createTestDatabase } from "@/tests/support/databases";

// A shared PostgreSQL store without CAIRN_SECRET_KEY is a supported set-up when every environment
// uses env: references: nothing needs decrypting, so reading where environments stand must work.
let tdb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  tdb = await createTestDatabase("cairn_nokey");
  process.env.DATABASE_URL = tdb.url;
  delete process.env.CAIRN_SECRET_KEY;
  delete process.env.CAIRN_CONFIG;
  // The environment below points at the store's own database, which has no alembic_version table.
  process.env.CAIRN_TEST_NOKEY_URL = tdb.url;
});
afterAll(async () => {
  const { getStore } = await import("@/lib/db/client");
  await (await getStore()).close();
  await tdb.drop();
});

describe("a PostgreSQL store without CAIRN_SECRET_KEY", () => {
  it("has no key, and still reads environments given by env: references", async () => {
    const { getSecretKey } = await import("@/lib/secrets/get-secret-key");
    expect(getSecretKey()).toBeUndefined();

    const { getDb } = await import("@/lib/db/client");
    const db = await getDb();
    await db.project.create({
      data: {
        name: "nokey",
        alembicPath: path.resolve("examples/shop/alembic.ini"),
        environments: { create: [{ name: "qa", position: 0, urlRef: "env:CAIRN_TEST_NOKEY_URL", urlMasked: "env:CAIRN_TEST_NOKEY_URL" }] },
      },
    });
    const { getProjectStatus } = await import("@/lib/server/project-view");
    const status = await getProjectStatus("nokey");
    expect(status.environments.map((e) => [e.name, e.state])).toEqual([["qa", "uninitialized"]]);
  });
});
