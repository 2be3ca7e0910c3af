/**
 * Removes database credentials from text before it is stored, streamed or logged.
 * Pure: safe to use from the CLI and from tests. URL parsing and masking are lib/secrets'.
 */
import { maskUrl, secretsOfUrl } from "@/lib/secrets/mask-url";

const MASK = "****";

/** `scheme://user:password@` anywhere in free text (SQLAlchemy dialect suffixes included). */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@'"]*)@/gi;
/** libpq keyword form and common key=value spellings: `password=…`, `PGPASSWORD=…`, mysqlclient's `passwd=…`. */
const KEY_VALUE = /\b((?:pg)?pass(?:word|wd)?\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s'",;&]+)/gi;

/**
 * Password literals in SQL a log quotes (MySQL's committed-DDL lines, Alembic's echo), inside the
 * statements that set one: `CREATE/ALTER USER|ROLE … IDENTIFIED [WITH plugin] BY '…'` or
 * `… PASSWORD '…'`, `GRANT … IDENTIFIED BY '…'`, `SET PASSWORD … = '…'`. Anchored on the statement,
 * so prose such as Alembic's "revision identified by 'x'" stays as it is.
 */
const SQL_PASSWORD =
  /\b((?:(?:CREATE|ALTER)\s+(?:USER|ROLE)|GRANT)\b[^;]*?\b(?:IDENTIFIED(?:\s+WITH\s+\S+)?\s+BY(?:\s+PASSWORD)?\s*|PASSWORD\s+)|SET\s+PASSWORD\b[^=;]*=\s*(?:PASSWORD\s*\(\s*)?)(E?'(?:[^'\\]|''|\\.)*'|"(?:[^"\\]|""|\\.)*")/gi;

export type Redactor = (text: string) => string;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What to hide for one URL: the URL itself, its password (lib/secrets parses it as SQLAlchemy does), also percent-encoded. */
function secretsOf(databaseUrl: string): string[] {
  const passwords = secretsOfUrl(databaseUrl);
  return [databaseUrl, ...passwords, ...passwords.map(encodeURIComponent)].filter((x) => x.length >= 3);
}

function maskUserinfo(text: string): string {
  return text.replace(URL_USERINFO, (_all, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * A redactor for the given URLs: each full URL becomes its masked form, each password alone
 * becomes ***, and any `scheme://user:pass@` or `password=` pattern is masked too.
 */
export function createRedactor(databaseUrls: Array<string | undefined> = []): Redactor {
  const urls = databaseUrls.filter((u): u is string => Boolean(u));
  const secrets = [...new Set(urls.flatMap(secretsOf))].sort((a, b) => b.length - a.length);
  const replacement = new Map<string, string>(urls.map((url) => [url, maskUrl(url)]));
  const exact = secrets.length ? new RegExp(secrets.map(escapeRegExp).join("|"), "g") : null;
  return (text: string) => {
    let t = exact ? text.replace(exact, (m) => replacement.get(m) ?? MASK) : text;
    t = maskUserinfo(t);
    t = t.replace(KEY_VALUE, (_all, key: string) => `${key}${MASK}`);
    t = t.replace(SQL_PASSWORD, (_all, lead: string) => `${lead}'${MASK}'`);
    return t;
  };
}

export { maskUrl };
