/**
 * Registration-time checks of an environment's database URL, shared by the admin form, the API and
 * cairn.config.json. Pure: reads nothing but its arguments (the env: policy takes the server's
 * variables as a parameter).
 */
import { maskUrl } from "@/lib/secrets/mask-url";

/**
 * A password holding a raw `@` is read differently by each side: Cairn (and libpq) split the
 * userinfo at the last `@`, SQLAlchemy at the first, so Alembic would connect to a host made of
 * the password's tail and print it in its error. Returns the refusal, or undefined.
 */
export function rawAtInPassword(url: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(url.trim());
  if (!m) return undefined;
  const rest = m[2]!;
  const first = rest.indexOf("@");
  if (first < 0 || first === rest.lastIndexOf("@")) return undefined;
  return (
    `the password holds a raw "@", which SQLAlchemy and the database driver split differently, so the run would connect to the wrong host and print part of the password. ` +
    `Percent-encode the password: write each "@" in it as %40 (and ":" as %3A, "/" as %2F, "%" as %25), e.g. ${maskUrl(url.trim())} with the password written as, say, p%40ss for p@ss.`
  );
}

/** The default prefix of variables an `env:` reference may name. */
export const DEFAULT_ENV_PREFIX = "CAIRN_ENV_";

/**
 * May an `env:NAME` reference read this variable? Cairn's own variables (DATABASE_URL, its store;
 * CAIRN_*, its keys and passwords) never; otherwise names starting with CAIRN_ENV_PREFIX (default
 * CAIRN_ENV_) or listed in CAIRN_ENV_ALLOW (comma-separated). Returns the refusal, or undefined.
 */
export function envRefRefusal(name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const prefix = env.CAIRN_ENV_PREFIX?.trim() || DEFAULT_ENV_PREFIX;
  const suggestion = `${DEFAULT_ENV_PREFIX}${name.replace(/^CAIRN_/, "")}`;
  if (name === "DATABASE_URL" || (name.startsWith("CAIRN_") && !name.startsWith(prefix))) {
    return `env:${name} names one of Cairn's own variables (DATABASE_URL is Cairn's store, CAIRN_* hold its keys and passwords), which no environment may use. Put the target database's URL in a variable of its own, e.g. ${suggestion}, and write env:${suggestion}.`;
  }
  if (name.startsWith(prefix)) return undefined;
  const allowed = (env.CAIRN_ENV_ALLOW ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (allowed.includes(name)) return undefined;
  return `env:${name} is not a variable Cairn may read: only names starting with ${prefix} or listed in CAIRN_ENV_ALLOW are allowed. Rename the variable to ${prefix}${name} (and write env:${prefix}${name}), or allow this name by adding it to CAIRN_ENV_ALLOW on the server, e.g. CAIRN_ENV_ALLOW=${[...allowed, name].join(",")}, and restart Cairn.`;
}
