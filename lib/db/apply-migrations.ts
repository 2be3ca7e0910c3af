import "server-only";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

/** Where Cairn's committed store migrations live. */
export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

type SchemaEngineClass = {
  new: (
    params: { datamodels?: [string, string][] },
    log: (msg: string) => void,
    adapter: unknown,
  ) => Promise<{
    applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
    free(): void;
  }>;
};

let engineClass: Promise<SchemaEngineClass> | undefined;

/** Instantiates @prisma/schema-engine-wasm once per process, from its wasm file. */
async function loadSchemaEngine(): Promise<SchemaEngineClass> {
  engineClass ??= (async () => {
    const require = createRequire(path.join(process.cwd(), "package.json"));
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import(/* webpackIgnore: true */ pathToFileURL(gluePath).href)) as Record<string, unknown> & {
      __wbg_set_wasm(exports: unknown): void;
      SchemaEngine: SchemaEngineClass;
    };
    const wasm = fs.readFileSync(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { "./schema_engine_bg.js": glue as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

function readMigrationList(dir: string) {
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: entries.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

/**
 * The factory handed to the schema engine, and the adapters it opened (closed once the engine is done).
 * - @prisma/adapter-pg runs a migration script by splitting it on every ";", which breaks
 *   dollar-quoted function bodies (the audit trail's append-only trigger); pg's simple-query
 *   protocol runs a whole multi-statement script as PostgreSQL itself splits it.
 * - The engine's connections hold its migration advisory lock; left to pg's idle timeout they would
 *   keep a second Cairn instance starting against the same store waiting for ten seconds.
 */
function engineFactory(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const opened: { dispose(): Promise<void> }[] = [];
  const wrapped: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      const client = (adapter as unknown as { client?: { query(sql: string): Promise<unknown> } }).client;
      if (factory.adapterName === "@prisma/adapter-pg" && client) {
        adapter.executeScript = async (script: string) => void (await client.query(script));
      }
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  return { factory: wrapped, disposeAll: async () => void (await Promise.all(opened.map((a) => a.dispose().catch(() => undefined)))) };
}

/**
 * Applies the committed prisma/migrations in-process, offline, with the same `_prisma_migrations`
 * bookkeeping as `prisma migrate deploy`. Returns the names of the migrations it applied.
 */
export async function applyMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  dir: string = MIGRATIONS_DIR,
): Promise<string[]> {
  const SchemaEngine = await loadSchemaEngine();
  const logs: string[] = [];
  const { factory, disposeAll } = engineFactory(adapterFactory);
  const engine = await SchemaEngine.new({}, (m) => logs.push(String(m)), bindMigrationAwareSqlAdapterFactory(factory));
  try {
    const out = await engine.applyMigrations({
      migrationsList: readMigrationList(dir),
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    throw new Error(`Applying Cairn's store migrations failed: ${message}`);
  } finally {
    engine.free();
    await disposeAll();
  }
}
