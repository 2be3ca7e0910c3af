import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { ALEMBIC, FIXTURE_DIR } from "@/tests/runner/support";

export { ALEMBIC, FIXTURE_DIR };

/** A copy of the runner fixture project in a temp dir, with one empty SQLite file per environment. */
export function copyFixtureProject(envNames: string[]): { dir: string; urls: Record<string, string>; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-runs-api-"));
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  const urls: Record<string, string> = {};
  for (const name of envNames) {
    const file = path.join(dir, `${name}.db`);
    new Database(file).close();
    urls[name] = `sqlite:///${file}`;
  }
  return { dir, urls, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** What the SQLite file's version table holds ([] when it has none). */
export function sqliteRevisions(url: string): string[] {
  const db = new Database(url.slice("sqlite:///".length), { readonly: true });
  try {
    const t = db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'").get();
    if (!t) return [];
    return (db.prepare("SELECT version_num AS v FROM alembic_version ORDER BY 1").all() as { v: string }[]).map((r) => r.v);
  } finally {
    db.close();
  }
}

export function sqliteTables(url: string): string[] {
  const db = new Database(url.slice("sqlite:///".length), { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/**
 * Registers a project whose environments reach their databases through env: references (set in
 * process.env here), in promotion order.
 */
export async function seedProject(db: PrismaClient, o: { name: string; dir: string; envs: { name: string; url: string; protected?: boolean; approvers?: string[]; rehearsal?: Record<string, unknown> }[]; xArgs?: string[] }) {
  const project = await db.project.create({ data: { name: o.name, alembicPath: o.dir, command: ALEMBIC, xArgs: o.xArgs ?? [] } });
  const envs = [];
  for (const [position, e] of o.envs.entries()) {
    const ref = `CAIRN_ENV_TEST_${o.name}_${e.name}_URL`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    process.env[ref] = e.url;
    envs.push(
      await db.environment.create({
        data: {
          projectId: project.id,
          name: e.name,
          position,
          urlRef: `env:${ref}`,
          urlMasked: `env:${ref}`,
          protected: e.protected ?? false,
          approvers: e.approvers ?? [],
          // These suites exercise the other gates on protected environments; the rehearsal gate has
          // its own (tests/rehearsal), which passes `rehearsal: {}` to get the default (required when protected).
          rehearsal: (e.rehearsal ?? { required: false }) as Prisma.InputJsonValue,
        },
      }),
    );
  }
  return { project, envs };
}
