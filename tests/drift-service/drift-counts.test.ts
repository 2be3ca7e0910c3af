/**
 * Drift counts on real PostgreSQL (issue 15): qa, staging and production brought to the same
 * revision by real Alembic, each with a baseline of its schema; then one column added by hand on
 * production. It is one difference — not "2 differences" (once against staging, once against its
 * baseline) — charged to production only, saying what it differs from; qa and staging stay clean.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { detectProjectDrift, readEnvironmentDriftFact } from "@/lib/drift-service/detect-project-drift";
import { readEnvironmentSnapshot } from "@/lib/drift-service/read-environment-snapshot";
import { recordBaseline } from "@/lib/drift-service/baselines";
import { refreshSchemaReading } from "@/lib/drift-service/refresh-schema-reading";
import { createTestDatabase, withClient } from "@/tests/support/databases";
import { useAppStore } from "@/tests/auth/helpers";
import { copyFixtureProject, seedProject } from "@/tests/runs-api/support";
import { alembicUpgrade } from "@/tests/signoffs/support";

let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let db: PrismaClient;
const drops: Array<() => Promise<void>> = [];
let fixture: ReturnType<typeof copyFixtureProject>;
const urls: Record<string, string> = {};
const P = "drift-counts";
const ENVS = ["qa", "staging", "production"];

beforeAll(async () => {
  app = await useAppStore("cairn_drift_counts");
  db = app.db;
  fixture = copyFixtureProject([]);
  for (const name of ENVS) {
    const t = await createTestDatabase(`cairn_drift_counts_${name}`);
    drops.push(t.drop);
    urls[name] = t.url;
    alembicUpgrade(fixture.dir, t.url, "d4");
  }
  const { envs } = await seedProject(db, { name: P, dir: fixture.dir, envs: ENVS.map((name) => ({ name, url: urls[name]! })) });
  for (const env of envs) {
    const read = await readEnvironmentSnapshot({ url: urls[env.name]!, baseDir: fixture.dir, versionTable: "alembic_version", timeoutMs: 5000 });
    if (!read.ok) throw new Error(read.message);
    await recordBaseline(db, { environmentId: env.id, revisions: ["d4"], snapshot: read.snapshot, source: "manual" });
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
  for (const d of drops.reverse()) await d().catch(() => {});
  fixture?.remove();
});

describe("drift counts", () => {
  it("one extra column on production is one difference, on production only, against its baseline and staging", async () => {
    await withClient(urls.production!, (c) => c.query("ALTER TABLE customers ADD COLUMN nickname text"));
    // Drift is counted from the stored schema readings (issue 15): each environment read once, as the background does.
    for (const name of ENVS) await refreshSchemaReading(db, { project: P, environment: name, trigger: "schedule" });
    const drift = await detectProjectDrift(db, P);
    const rows = Object.fromEntries(drift.environments.map((e) => [e.name, [e.differences, e.differsFrom]]));
    expect(rows).toEqual({
      qa: [0, []],
      staging: [0, []],
      production: [1, ["its baseline", "staging at the same revision"]],
    });
    // Neighbours in the promotion order: production is compared with staging, not with qa.
    expect(drift.findings.map((f) => (f.kind === "environments-differ" ? `${f.left}→${f.right}` : `${f.environment}↔baseline`)).sort()).toEqual(["production↔baseline", "staging→production"]);
    expect(await readEnvironmentDriftFact(db, P, "production")).toEqual({ findings: 1, against: ["its baseline", "staging at the same revision"] });
    expect(await readEnvironmentDriftFact(db, P, "qa")).toEqual({ findings: 0, against: [] });
  }, 60_000);
});
