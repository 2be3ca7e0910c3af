import "server-only";
import Database from "better-sqlite3";
import pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { detectDrift } from "@/lib/drift/detect-drift";
import type { SchemaSnapshot } from "@/lib/drift/types";
import { latestBaseline } from "@/lib/environments/baselines";
import { introspectPostgres } from "@/lib/environments/introspect-postgres";
import { introspectSqlite } from "@/lib/environments/introspect-sqlite";
import { parseSqliteUrl } from "@/lib/environments/parse-sqlite-url";
import { urlScheme } from "@/lib/environments/read-version-table";
import { toNodePgUrl } from "@/lib/runner/advisory-lock";

export interface DriftEnvironment {
  id: string;
  name: string;
  versionTable: string;
  versionTableSchema: string | null;
  timeoutMs: number;
}

async function snapshotOf(env: DriftEnvironment, url: string, baseDir: string): Promise<SchemaSnapshot | null> {
  const scheme = urlScheme(url);
  if (scheme === "sqlite") {
    const target = parseSqliteUrl(url, baseDir);
    if (target.kind !== "file") return null;
    const db = new Database(target.path, { readonly: true, fileMustExist: true, timeout: 250 });
    try {
      return introspectSqlite(db, { versionTable: env.versionTable });
    } finally {
      db.close();
    }
  }
  if (scheme === "postgresql" || scheme === "postgres") {
    const client = new pg.Client({ connectionString: toNodePgUrl(url), connectionTimeoutMillis: Math.max(env.timeoutMs, 1000), application_name: "cairn-drift" });
    await client.connect();
    try {
      return await introspectPostgres(client, { versionTable: env.versionTable, versionTableSchema: env.versionTableSchema });
    } finally {
      await client.end().catch(() => {});
    }
  }
  return null;
}

/**
 * How far the environment's schema is from the baseline recorded at its current revisions: the
 * number of differences, or null when it cannot be checked (no baseline, unsupported database,
 * schema unreadable) — the drift gate then warns that it was not checked.
 */
export async function readEnvironmentDrift(
  db: PrismaClient,
  env: DriftEnvironment,
  url: string,
  revisions: string[],
  baseDir: string,
): Promise<{ findings: number } | null> {
  const baseline = await latestBaseline(db, env.id, revisions);
  if (!baseline) return null;
  let snapshot: SchemaSnapshot | null;
  try {
    snapshot = await snapshotOf(env, url, baseDir);
  } catch {
    // Unreadable schema: reported as "not checked" rather than failing the plan.
    return null;
  }
  if (!snapshot) return null;
  const findings = detectDrift([{ name: env.name, revisions, snapshot, baseline }]);
  return { findings: findings.reduce((n, f) => n + f.differences.length, 0) };
}
