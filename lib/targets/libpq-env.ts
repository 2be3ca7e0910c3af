import "server-only";
import { AppError } from "@/lib/errors";
import { toPgConnectionString } from "@/lib/targets/read-postgres-version-table";

/** A PostgreSQL URL taken apart for libpq's command-line tools (pg_dump, psql, pg_restore). */
export interface PgParts {
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
  sslmode: string | null;
}

export function pgParts(url: string): PgParts {
  let u: URL;
  try {
    u = new URL(toPgConnectionString(url));
  } catch {
    throw new AppError("config", "bad postgres url", "The database URL is not a valid PostgreSQL URL (expected postgresql://user:password@host:port/database).");
  }
  return {
    host: u.searchParams.get("host") ?? (u.hostname.replace(/^\[|\]$/g, "") || "localhost"),
    port: u.port || u.searchParams.get("port") || "5432",
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username),
    sslmode: u.searchParams.get("sslmode"),
  };
}

/** libpq's variables for a child process: the password travels in PGPASSWORD, never on its command line. */
export function libpqEnv(p: PgParts, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(process.env)) if (!/^(PG\w+|DATABASE_URL|CAIRN_.*)$/.test(k)) env[k] = v;
  env.PGHOST = p.host;
  env.PGPORT = p.port;
  env.PGUSER = p.user;
  env.PGDATABASE = p.database;
  if (p.password) env.PGPASSWORD = p.password;
  if (p.sslmode) env.PGSSLMODE = p.sslmode;
  env.PGCONNECT_TIMEOUT = "10";
  return { ...env, ...extra };
}
