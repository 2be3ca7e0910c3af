/**
 * Database URLs for display: the password becomes `****`. Pure.
 * Parsed the way SQLAlchemy splits a URL (the password runs to the last `@`), so a password
 * holding `@`, `/` or `:` is still masked whole even when WHATWG URL parsing would refuse it.
 */

const USERINFO = /^([A-Za-z][A-Za-z0-9+.\-]*:\/\/)([^:@/?#]*)(?::(.*))?@([^@]*)$/s;
const SECRET_PARAMS = /([?&;](?:password|passwd|pass|pwd|sslpassword|sslkey)=)[^&;#]*/gi;

/** `postgresql://app:s3cret@db:5432/shop` → `postgresql://app:****@db:5432/shop`. `env:NAME` is returned as is. */
export function maskUrl(url: string): string {
  if (/^env:/.test(url)) return url;
  let out = url;
  const m = USERINFO.exec(out);
  if (m) {
    const [, scheme, user, password, rest] = m;
    out = password === undefined ? `${scheme}${user}@${rest}` : `${scheme}${user}:****@${rest}`;
  } else if (!/^[A-Za-z][A-Za-z0-9+.\-]*:\/\//.test(out)) {
    // Not a URL at all: it may be a bare DSN with a password in it; show nothing of it.
    return out.length === 0 ? out : "****";
  }
  return out.replace(SECRET_PARAMS, "$1****");
}

/** The secret parts of a URL (password, raw and percent-decoded), for scrubbing free text. */
export function secretsOfUrl(url: string): string[] {
  const found = new Set<string>();
  const m = USERINFO.exec(url);
  const password = m?.[3];
  if (password) {
    found.add(password);
    try {
      found.add(decodeURIComponent(password));
    } catch {
      /* not percent-encoded */
    }
    // A driver that splits the URL elsewhere (SQLAlchemy at the first "@", some at the first ":")
    // prints pieces of the password as a user or a host name ("Bravo8@host"): hide each piece too.
    for (const piece of password.split(/[@:/?#]/)) found.add(piece);
  }
  for (const p of url.matchAll(SECRET_PARAMS)) {
    const value = p[0].slice(p[1]!.length);
    if (value) {
      found.add(value);
      try {
        found.add(decodeURIComponent(value));
      } catch {
        /* not percent-encoded */
      }
    }
  }
  // Very short values would blank out ordinary words in a message; a URL that short is masked whole below.
  return [...found].filter((s) => s.length >= 3);
}

/**
 * Removes every trace of the given URLs from a message: each URL becomes its masked form and
 * each password `****`. Used on driver errors before they reach a log, a response or a page.
 */
export function scrubSecrets(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    if (!url) continue;
    out = out.split(url).join(maskUrl(url));
    for (const secret of secretsOfUrl(url)) out = out.split(secret).join("****");
  }
  // Any other URL with credentials that slipped into the message.
  out = out.replace(/([A-Za-z][A-Za-z0-9+.\-]*:\/\/[^:@/\s]*):[^@\s]*@/g, "$1:****@");
  return out;
}
