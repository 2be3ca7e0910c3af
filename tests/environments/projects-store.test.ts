import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openStore, type Store } from "@/lib/db/client";
import { parseCairnConfig } from "@/lib/config/cairn-config";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { listProjects } from "@/lib/projects/list-projects";
import { createProject } from "@/lib/projects/create-project";
import { updateProject } from "@/lib/projects/update-project";
import { createEnvironment } from "@/lib/projects/create-environment";
import { updateEnvironment } from "@/lib/projects/update-environment";
import { deleteEnvironment } from "@/lib/projects/delete-environment";
import { reorderEnvironments } from "@/lib/projects/reorder-environments";
import { deleteProject } from "@/lib/projects/delete-project";
import { readStoredProjectStatus } from "@/lib/projects/read-stored-project-status";
import { loadProject, loadProjectWithGraph, usableUrlOrThrow } from "@/lib/projects/load-project";
import { decryptSecret } from "@/lib/secrets/encrypt-secret";
import { createTestDatabase } from "@/tests/support/databases";
import { alembic, copyFixture, MAIN_HEAD } from "@/tests/environments/support";

let store: Store;
let storeDb: Awaited<ReturnType<typeof createTestDatabase>>;
let project: string;
const key = randomBytes(32);
const actor = { label: "test" };

beforeAll(async () => {
  storeDb = await createTestDatabase("cairn_env_store");
  store = await openStore({ databaseUrl: storeDb.url });
  project = copyFixture("cairn-store-");
  alembic(project, ["upgrade", MAIN_HEAD], { url: "sqlite:///qa.db" });
}, 120_000);
afterAll(async () => {
  await store?.close();
  await storeDb?.drop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe("projects and environments in Cairn's store", () => {
  it("syncs cairn.config.json projects: env: references kept, literals encrypted, read-only in the UI", async () => {
    const config = parseCairnConfig(
      {
        projects: [
          {
            name: "shop",
            alembic: "./alembic.ini",
            environments: [
              { name: "qa", url: "sqlite:///qa.db" },
              { name: "production", url: "postgresql://app:pr0d-secret@db.internal/shop", protected: true, versionTableSchema: "public" },
            ],
          },
        ],
      },
      path.join(project, "cairn.config.json"),
    );
    expect(await syncConfigProjects(store.db, config, { key })).toEqual({ created: ["shop"], updated: [], orphaned: [] });
    const row = await store.db.environment.findFirstOrThrow({ where: { name: "production" } });
    expect(row.urlEncrypted).not.toContain("pr0d-secret");
    expect(decryptSecret(row.urlEncrypted!, key)).toBe("postgresql://app:pr0d-secret@db.internal/shop");
    const encryptedBefore = row.urlEncrypted;

    // Re-sync is idempotent and keeps an unchanged ciphertext.
    expect(await syncConfigProjects(store.db, config, { key })).toMatchObject({ created: [], updated: ["shop"] });
    expect((await store.db.environment.findFirstOrThrow({ where: { name: "production" } })).urlEncrypted).toBe(encryptedBefore);

    const [shop] = await listProjects(store.db);
    expect(shop).toMatchObject({ name: "shop", source: "config", alembicPath: path.join(project, "alembic.ini") });
    expect(shop!.environments.map((e) => [e.name, e.position, e.urlMasked, e.urlKind])).toEqual([
      ["qa", 0, "sqlite:///qa.db", "literal"],
      ["production", 1, "postgresql://app:****@db.internal/shop", "literal"],
    ]);
    expect(JSON.stringify(shop)).not.toMatch(/urlEncrypted|pr0d-secret/);

    await expect(updateProject(store.db, "shop", { alembicPath: "/elsewhere" }, actor)).rejects.toMatchObject({ code: "conflict", userMessage: expect.stringMatching(/cairn\.config\.json/) });
    await expect(createEnvironment(store.db, "shop", { name: "staging", url: "env:CAIRN_ENV_X" }, { actor, key })).rejects.toMatchObject({ code: "conflict" });
    expect(await store.db.auditEvent.count({ where: { action: { in: ["project.create", "project.sync"] } } })).toBe(2);
  });

  it("creates, updates, reorders and deletes UI projects and environments, never exposing the URL", async () => {
    await createProject(store.db, { name: "billing", alembicPath: path.join(project, "alembic.ini") }, actor);
    await createEnvironment(store.db, "billing", { name: "qa", url: "sqlite:///qa.db" }, { actor, key });
    const prod = await createEnvironment(store.db, "billing", { name: "production", url: "env:CAIRN_ENV_BILLING_PROD_URL", protected: true }, { actor, key });
    expect(prod).toMatchObject({ name: "production", position: 1, urlMasked: "env:CAIRN_ENV_BILLING_PROD_URL", urlKind: "env", protected: true });
    expect(prod).not.toHaveProperty("urlEncrypted");

    await expect(createEnvironment(store.db, "billing", { name: "bad", url: "mssql://x" }, { actor, key })).rejects.toThrow(/env:VARIABLE_NAME or a postgresql/);
    await expect(createEnvironment(store.db, "billing", { name: "lit", url: "postgresql://a:b@h/d" }, { actor })).rejects.toMatchObject({ code: "config", userMessage: expect.stringMatching(/CAIRN_SECRET_KEY/) });

    const updated = await updateEnvironment(store.db, "billing", "production", { timeoutMs: 5000 }, { actor, key });
    expect(updated).toMatchObject({ timeoutMs: 5000, urlMasked: "env:CAIRN_ENV_BILLING_PROD_URL" });
    await reorderEnvironments(store.db, "billing", ["production", "qa"], actor);
    await expect(reorderEnvironments(store.db, "billing", ["qa"], actor)).rejects.toMatchObject({ code: "validation" });
    const billing = (await listProjects(store.db)).find((p) => p.name === "billing")!;
    expect(billing.environments.map((e) => e.name)).toEqual(["production", "qa"]);

    // The stored project's status, read from the server side: the literal is decrypted, the env: reference resolved.
    const status = await readStoredProjectStatus(store.db, "billing", { key, env: {} });
    expect(status.environments.map((e) => [e.name, e.state])).toEqual([
      ["production", "unreachable"],
      ["qa", "behind"],
    ]);
    expect(status.environments[0]!.error).toBe("environment variable CAIRN_ENV_BILLING_PROD_URL is not set");
    await expect(readStoredProjectStatus(store.db, "nope")).rejects.toMatchObject({ code: "not-found" });

    await deleteEnvironment(store.db, "billing", "qa", actor);
    await deleteProject(store.db, "billing", actor);
    expect((await listProjects(store.db)).map((p) => p.name)).toEqual(["shop"]);
    const audit = await store.db.auditEvent.findMany({ where: { actor: "test" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["project.create", "environment.create", "environment.create", "environment.update", "environment.reorder", "environment.delete", "project.delete"]);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toMatch(/sqlite:|postgresql:/);
  });

  it("loads a stored project for server code: environments in promotion order with their URLs resolved, its constants and, with the graph, how Alembic runs", async () => {
    await createProject(store.db, { name: "ledger", alembicPath: path.join(project, "alembic.ini"), constants: { "cli.BRANCH": "main" } }, actor);
    await createEnvironment(store.db, "ledger", { name: "production", url: "env:CAIRN_ENV_LEDGER_PROD_URL" }, { actor, key });
    await createEnvironment(store.db, "ledger", { name: "qa", url: "postgresql://app:l3dger-secret@db.internal/ledger" }, { actor, key });
    await reorderEnvironments(store.db, "ledger", ["qa", "production"], actor);

    const loaded = await loadProject(store.db, "ledger", { key, env: { CAIRN_ENV_LEDGER_PROD_URL: "sqlite:///prod.db" } });
    expect(loaded.environments.map((e) => [e.name, e.url])).toEqual([
      ["qa", { ok: true, url: "postgresql://app:l3dger-secret@db.internal/ledger" }],
      ["production", { ok: true, url: "sqlite:///prod.db" }],
    ]);
    expect(loaded.constants).toEqual({ "cli.BRANCH": "main" });
    expect(usableUrlOrThrow(loaded.environment("production"))).toBe("sqlite:///prod.db");
    expect(() => loaded.environment("staging")).toThrow(expect.objectContaining({ code: "not-found", userMessage: 'Project "ledger" has no environment named "staging".' }));

    // Without the key or the variable: each URL says why it cannot be used, and a run path refuses with that reason.
    const bare = await loadProject(store.db, "ledger", { env: {} });
    expect(bare.environments.map((e) => [e.name, e.url.ok])).toEqual([
      ["qa", false],
      ["production", false],
    ]);
    expect(() => usableUrlOrThrow(bare.environment("qa"))).toThrow(expect.objectContaining({ code: "unreachable", userMessage: expect.stringMatching(/^qa's database URL cannot be used: .*CAIRN_SECRET_KEY/) }));
    expect(() => usableUrlOrThrow(bare.environment("production"))).toThrow(expect.objectContaining({ userMessage: expect.stringContaining("environment variable CAIRN_ENV_LEDGER_PROD_URL is not set") }));

    const withGraph = await loadProjectWithGraph(store.db, "ledger", { key, env: {} });
    expect(withGraph.graph.heads).toContain(MAIN_HEAD);
    expect(withGraph.alembic).toEqual({ command: ["alembic"], cwd: project, configFile: path.join(project, "alembic.ini"), urlEnvVar: "DATABASE_URL", xArgs: [] });
    await expect(loadProject(store.db, "nope")).rejects.toMatchObject({ code: "not-found" });
  });
});
