/**
 * Removes database credentials from text before it is stored, streamed or logged.
 * Pure: safe to use from the CLI and from tests.
 */

const MASK = "***";

/** `scheme://user:password@` in any form (SQLAlchemy dialect suffixes included). */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@'"]*)@/gi;
/** libpq keyword form and common key=value spellings: `password=…`, `PGPASSWORD=…`. */
const KEY_VALUE = /\b((?:pg)?pass(?:word)?\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s'",;&]+)/gi;

export type Redactor = (text: string) => string;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The secrets a URL carries: the URL itself and its password, raw and percent-decoded. */
export function secretsOfUrl(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) return [];
  const out = new Set<string>([databaseUrl]);
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(databaseUrl);
  const raw = m?.[1];
  if (raw) {
    out.add(raw);
    try {
      out.add(decodeURIComponent(raw));
    } catch {
      // A malformed escape: the raw form is still masked.
    }
    out.add(encodeURIComponent(raw));
  }
  // Very short strings would mangle ordinary words; the URL pattern still catches them in URLs.
  return [...out].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

function maskUserinfo(text: string): string {
  return text.replace(URL_USERINFO, (_all, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * A redactor for the given URLs: each full URL becomes its masked form, each password alone
 * becomes ***, and any `scheme://user:pass@` or `password=` pattern is masked too.
 */
export function createRedactor(databaseUrls: Array<string | undefined> = []): Redactor {
  const secrets = [...new Set(databaseUrls.flatMap(secretsOfUrl))].sort((a, b) => b.length - a.length);
  const replacement = new Map<string, string>();
  for (const url of databaseUrls) if (url) replacement.set(url, maskUserinfo(url));
  const exact = secrets.length ? new RegExp(secrets.map(escapeRegExp).join("|"), "g") : null;
  return (text: string) => {
    let t = exact ? text.replace(exact, (m) => replacement.get(m) ?? MASK) : text;
    t = maskUserinfo(t);
    t = t.replace(KEY_VALUE, (_all, key: string) => `${key}${MASK}`);
    return t;
  };
}

/** Masks the password of a URL for display, keeping the rest readable. */
export function maskUrl(databaseUrl: string): string {
  return maskUserinfo(databaseUrl);
}
