import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { useAppStore } from "@/tests/auth/helpers";

// A shared PostgreSQL store without CAIRN_SECRET_KEY is a supported set-up when every environment
// uses env: references: nothing needs decrypting, so reading where environments stand must work.
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;

beforeAll(async () => {
  delete process.env.CAIRN_SECRET_KEY;
  delete process.env.CAIRN_CONFIG;
  app = await useAppStore("cairn_nokey");
  // The environment below points at the store's own database, which has no alembic_version table.
  process.env.CAIRN_ENV_TEST_NOKEY_URL = process.env.DATABASE_URL;
});
afterAll(async () => {
  await app?.close();
});

describe("a PostgreSQL store without CAIRN_SECRET_KEY", () => {
  it("has no key, and still reads environments given by env: references", async () => {
    const { getSecretKey } = await import("@/lib/secrets/get-secret-key");
    expect(getSecretKey()).toBeUndefined();

    await app!.db.project.create({
      data: {
        name: "nokey",
        alembicPath: path.resolve("examples/shop/alembic.ini"),
        environments: { create: [{ name: "qa", position: 0, urlRef: "env:CAIRN_ENV_TEST_NOKEY_URL", urlMasked: "env:CAIRN_ENV_TEST_NOKEY_URL" }] },
      },
    });
    const { getProjectStatus } = await import("@/lib/server/project-view");
    const status = await getProjectStatus("nokey");
    expect(status.environments.map((e) => [e.name, e.state])).toEqual([["qa", "uninitialized"]]);
  });
});
