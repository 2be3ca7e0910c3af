import { scrubSecrets } from "@/lib/secrets/mask-url";
import type { UnreachableReason } from "@/lib/targets/types";

/**
 * Turns a driver error (pg, mysql2, better-sqlite3, node sockets) into a plain reason and a one-line
 * message with every credential removed. Pure: matches on codes and messages only.
 */
export function describeDriverError(e: unknown, url: string): { reason: UnreachableReason; message: string } {
  const err = (e ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  const raw = typeof err.message === "string" && err.message ? err.message : aggregateMessage(err) || String(e);
  const detail = scrubSecrets(raw.split("\n")[0] ?? "", [url]).trim();
  const reason = classify(code, raw, err);
  const words: Record<UnreachableReason, string> = {
    "authentication failed": "authentication failed",
    "connection refused": "connection refused",
    "database does not exist": "database does not exist",
    "permission denied": "permission denied",
    "timed out": "timed out",
    "host not found": "host not found",
    "SQLite file missing": "SQLite file missing",
    "environment variable not set": "environment variable not set",
    "unsupported database": "unsupported database",
    "invalid url": "invalid database URL",
    error: "could not read the version table",
  };
  const head = words[reason];
  // Avoid "connection refused: connect ECONNREFUSED 127.0.0.1:1" repeating itself in different words.
  return { reason, message: detail && !detail.toLowerCase().startsWith(head.toLowerCase()) ? `${head}: ${detail}` : detail || head };
}

function aggregateMessage(err: { errors?: unknown }): string {
  // Node's AggregateError (IPv4 + IPv6 attempts) carries the useful messages in `errors`.
  if (!Array.isArray(err.errors)) return "";
  return err.errors
    .map((x) => (x as { message?: string }).message ?? "")
    .filter(Boolean)
    .join("; ");
}

function classify(code: string, message: string, err: { errors?: unknown }): UnreachableReason {
  const codes = new Set([code, ...(Array.isArray(err.errors) ? err.errors.map((x) => String((x as { code?: unknown }).code ?? "")) : [])]);
  const m = message.toLowerCase();
  // PostgreSQL SQLSTATEs.
  if (codes.has("28P01") || codes.has("28000")) return "authentication failed";
  if (codes.has("3D000")) return "database does not exist";
  if (codes.has("42501")) return "permission denied";
  if (codes.has("57014") || codes.has("55P03")) return "timed out";
  // MySQL/MariaDB (mysql2 puts the server's error name in `code`). 1045 is a wrong user or password;
  // 1044 a user who may log in but not use this database; 1142/1143 a table or column privilege.
  if (codes.has("ER_ACCESS_DENIED_ERROR") || codes.has("ER_ACCESS_DENIED_NO_PASSWORD_ERROR") || codes.has("ER_NOT_SUPPORTED_AUTH_MODE")) return "authentication failed";
  if (codes.has("ER_BAD_DB_ERROR")) return "database does not exist";
  if (codes.has("ER_DBACCESS_DENIED_ERROR") || codes.has("ER_TABLEACCESS_DENIED_ERROR") || codes.has("ER_COLUMNACCESS_DENIED_ERROR") || codes.has("ER_SPECIFIC_ACCESS_DENIED_ERROR")) return "permission denied";
  // Lock waits (1205, metadata locks included), MariaDB max_statement_time (1969), MySQL max_execution_time (3024).
  if (codes.has("ER_LOCK_WAIT_TIMEOUT") || codes.has("ER_STATEMENT_TIMEOUT") || codes.has("ER_QUERY_TIMEOUT") || codes.has("PROTOCOL_SEQUENCE_TIMEOUT")) return "timed out";
  if (/max_statement_time exceeded|maximum statement execution time exceeded/.test(m)) return "timed out";
  if (codes.has("ER_HOST_NOT_PRIVILEGED") || codes.has("ER_HOST_IS_BLOCKED")) return "permission denied";
  // Sockets and DNS. A unix socket that is not there (ENOENT) means no server listening on it.
  if (codes.has("ENOENT") && /connect/.test(m)) return "connection refused";
  if (codes.has("ECONNREFUSED")) return "connection refused";
  if (codes.has("ENOTFOUND") || codes.has("EAI_AGAIN") || codes.has("EAI_NONAME")) return "host not found";
  if (codes.has("ETIMEDOUT") || codes.has("ESOCKETTIMEDOUT")) return "timed out";
  if (codes.has("EACCES") || codes.has("EPERM")) return "permission denied";
  // SQLite.
  if (codes.has("SQLITE_CANTOPEN") && /does not exist|unable to open/.test(m)) return "SQLite file missing";
  if (codes.has("SQLITE_BUSY") || codes.has("SQLITE_LOCKED")) return "timed out";
  if (codes.has("SQLITE_AUTH") || codes.has("SQLITE_PERM") || codes.has("SQLITE_READONLY")) return "permission denied";
  // Messages without codes (pg's own timeouts, password prompts).
  if (/timeout|timed out/.test(m)) return "timed out";
  if (/password authentication failed|no pg_hba\.conf entry|password must be a string|sasl|requires a password|not permitted to log in/.test(m)) return "authentication failed";
  if (/permission denied/.test(m)) return "permission denied";
  if (/database .* does not exist/.test(m)) return "database does not exist";
  return "error";
}
