import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { latestBaseline, recordBaseline } from "@/lib/drift-service/baselines";
import { introspectPostgres } from "@/lib/targets/introspect-postgres";
import { detectDrift } from "@/lib/drift/detect-drift";
import { fingerprintSnapshot } from "@/lib/drift/fingerprint-snapshot";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { createTestDatabase, withClient } from "@/tests/support/databases";
import { PG_SCHEMA, runSql } from "@/tests/drift/fixtures";

let storeDb: Awaited<ReturnType<typeof createTestDatabase>>;
let targetDb: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;
let environmentId: string;

beforeAll(async () => {
  [storeDb, targetDb] = await Promise.all([createTestDatabase("cairn_drift_store"), createTestDatabase("cairn_drift_target")]);
  store = await openStore({ databaseUrl: storeDb.url });
  await runSql(targetDb.url, PG_SCHEMA);
  const project = await store.db.project.create({ data: { name: "shop", alembicPath: "./alembic.ini" } });
  const env = await store.db.environment.create({ data: { projectId: project.id, name: "production", position: 2, urlMasked: "postgresql://app:***@db/shop" } });
  environmentId = env.id;
});

afterAll(async () => {
  await store?.close();
  await Promise.all([storeDb?.drop(), targetDb?.drop()]);
});

const read = (): Promise<SchemaSnapshot> => withClient(targetDb.url, (c) => introspectPostgres(c, { versionTable: "alembic_version" }));

describe("schema baselines", () => {
  it("records a real snapshot and finds the latest for the same revisions in any order", async () => {
    const first = await read();
    const recorded = await recordBaseline(store.db, { environmentId, revisions: ["b2", "a1"], snapshot: first, source: "run" });
    expect(recorded.revisionKey).toBe("a1,b2");
    expect(recorded.fingerprint).toBe(fingerprintSnapshot(first));

    await runSql(targetDb.url, [`CREATE TABLE hotfix (id int)`]);
    const second = await read();
    const newer = await recordBaseline(store.db, { environmentId, revisions: ["a1", "b2"], snapshot: second, source: "signoff" });

    const latest = await latestBaseline(store.db, environmentId, ["a1", "b2"]);
    expect(latest?.id).toBe(newer.id);
    expect(latest?.source).toBe("signoff");
    expect(latest?.snapshot).toEqual(second);
    expect(await latestBaseline(store.db, environmentId, ["a1"])).toBeNull();
  });

  it("feeds detection: the live schema against the stored baseline", async () => {
    await runSql(targetDb.url, [`ALTER TABLE blocks ALTER COLUMN body SET NOT NULL`]);
    const live = await read();
    const baseline = await latestBaseline(store.db, environmentId, ["a1", "b2"]);
    const findings = detectDrift([{ name: "production", revisions: ["a1", "b2"], snapshot: live, baseline }]);
    expect(findings.map((f) => f.differences.map((d) => d.message))).toEqual([["blocks.body: nullable → NOT NULL"]]);
  });

  it("refuses a malformed snapshot with a clear message", async () => {
    await expect(recordBaseline(store.db, { environmentId, revisions: ["a1"], snapshot: { dialect: "oracle" } as unknown as SchemaSnapshot, source: "manual" })).rejects.toMatchObject({
      code: "validation",
      userMessage: "The schema snapshot is malformed; take a new one and try again.",
    });
  });
});
