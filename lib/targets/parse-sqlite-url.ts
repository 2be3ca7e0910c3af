import path from "node:path";

/**
 * Where a SQLAlchemy SQLite URL points, the way SQLAlchemy reads it: `sqlite:///relative.db` is
 * relative to the directory Alembic runs in (the project's), `sqlite:////abs/path.db` is absolute,
 * and `sqlite://` or `:memory:` is an in-memory database with no version table to read. Pure.
 */
export type SqliteTarget = { kind: "file"; path: string } | { kind: "memory" } | { kind: "invalid"; message: string };

export function parseSqliteUrl(url: string, baseDir: string): SqliteTarget {
  const m = /^sqlite(?:\+[A-Za-z0-9_]+)?:\/\/(.*)$/s.exec(url.trim());
  if (!m) return { kind: "invalid", message: "not a sqlite:// URL" };
  const rest = m[1]!;
  if (rest === "") return { kind: "memory" };
  if (!rest.startsWith("/")) {
    return { kind: "invalid", message: "a SQLite URL has no host: write sqlite:///relative/path.db or sqlite:////absolute/path.db" };
  }
  // Drop the query string (?mode=ro&uri=true …): options for the driver, not part of the path.
  const database = rest.slice(1).replace(/\?.*$/s, "");
  if (database === "" || database === ":memory:") return { kind: "memory" };
  return { kind: "file", path: path.isAbsolute(database) ? database : path.resolve(baseDir, database) };
}
