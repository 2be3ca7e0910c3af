import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "@/lib/db/client";
import { createTestDatabase, PG_ADMIN_URL, withClient } from "@/tests/support/databases";

export const FIXTURE_DIR = path.resolve(import.meta.dirname, "../fixtures/runner-project");
/** Real Alembic under Debian's python (the python3 first on PATH has no alembic). */
export const ALEMBIC = ["/usr/bin/python3", "-m", "alembic"];

export interface Target {
  /** Password-bearing URL (auth is trust locally, but the password is still in the URL). */
  url: string;
  password: string;
  name: string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  readRevisions(versionTable?: string): Promise<string[]>;
  tables(): Promise<string[]>;
  drop(): Promise<void>;
}

/** A fresh target database owned by a password-bearing role. */
export async function createTarget(role: string): Promise<Target> {
  const db = await createTestDatabase("cairn_runner_target");
  const password = `pw-${randomBytes(9).toString("base64url")}/x@y`;
  await withClient(PG_ADMIN_URL, async (admin) => {
    await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} LOGIN; END IF; END $$`);
    await admin.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
    await admin.query(`ALTER DATABASE "${db.name}" OWNER TO ${role}`);
  });
  const u = new URL(db.url);
  u.username = role;
  u.password = encodeURIComponent(password);
  const url = u.toString();
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => withClient(db.url, async (c) => (await c.query<T>(sql, params)).rows);
  return {
    url,
    password,
    name: db.name,
    query,
    async readRevisions(versionTable = "alembic_version") {
      const exists = await query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [versionTable]);
      if (!exists[0]?.t) return [];
      return (await query<{ v: string }>(`SELECT version_num AS v FROM "${versionTable}" ORDER BY 1`)).map((r) => r.v);
    },
    async tables() {
      return (await query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.t);
    },
    drop: db.drop,
  };
}

export async function createStore(): Promise<{ store: Store; url: string; drop(): Promise<void> }> {
  const db = await createTestDatabase("cairn_runner_store");
  const store = await openStore({ databaseUrl: db.url });
  return { store, url: db.url, drop: db.drop };
}

/** The user the seeded runs name as their requester (a run's requester is a User row). */
export const REQUESTER_ID = "user-requester";

/** A project and an environment pointing at the fixture, and the requester its runs name. */
export async function seedEnvironment(store: Store, o: { name?: string; protected?: boolean; versionTable?: string; project?: string } = {}) {
  await store.db.user.upsert({ where: { id: REQUESTER_ID }, create: { id: REQUESTER_ID, email: `${REQUESTER_ID}@example.com`, role: "release_manager" }, update: {} });
  const project = await store.db.project.upsert({
    where: { name: o.project ?? "runner-fixture" },
    create: { name: o.project ?? "runner-fixture", alembicPath: FIXTURE_DIR, command: ALEMBIC },
    update: {},
  });
  const environment = await store.db.environment.create({
    data: {
      projectId: project.id,
      name: o.name ?? `staging-${randomBytes(3).toString("hex")}`,
      position: 1,
      urlMasked: "postgresql://role:****@127.0.0.1/db",
      protected: o.protected ?? false,
      versionTable: o.versionTable ?? "alembic_version",
    },
  });
  return { project, environment };
}

export async function queueRun(store: Store, env: { projectId: string; id: string }, o: { kind?: "upgrade" | "downgrade" | "promotion"; target: string; path?: string[]; from?: string[]; requestedBy?: string }) {
  const requestedById = o.requestedBy ?? REQUESTER_ID;
  await store.db.user.upsert({ where: { id: requestedById }, create: { id: requestedById, email: `${requestedById}@example.com`, role: "release_manager" }, update: {} });
  return store.db.run.create({
    data: {
      projectId: env.projectId,
      environmentId: env.id,
      kind: o.kind ?? "upgrade",
      status: "queued",
      target: o.target,
      path: o.path ?? [],
      fromRevisions: o.from ?? [],
      requestedById,
    },
  });
}
