import { decryptSecret } from "@/lib/secrets/encrypt-secret";
import { isAppError } from "@/lib/errors";
import { envRefRefusal } from "@/lib/secrets/check-database-url";

/** How an environment's URL is stored: an `env:NAME` reference, or a literal kept encrypted. */
export interface StoredUrl {
  urlRef?: string | null;
  urlEncrypted?: string | null;
}

export type ResolvedUrl = { ok: true; url: string } | { ok: false; reason: "environment variable not set" | "invalid url"; message: string };

const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** `env:QA_DATABASE_URL` → "QA_DATABASE_URL"; undefined when the value is not a reference. */
export function parseEnvRef(value: string): string | undefined {
  return ENV_REF.exec(value.trim())?.[1];
}

export function isEnvRef(value: string): boolean {
  return /^env:/.test(value.trim());
}

/**
 * Turns a stored URL into a usable one at read time: references are looked up in the environment
 * each time (so a rotated secret is picked up), literals are decrypted with the store's key.
 * A reference is checked against the env: policy again here, not only at registration: a row
 * written before the policy, edited in the store, or a policy narrowed since (CAIRN_ENV_ALLOW)
 * must never make Cairn read DATABASE_URL or its own CAIRN_* keys as a target database.
 */
export function resolveEnvironmentUrl(stored: StoredUrl, opts: { env?: NodeJS.ProcessEnv | Record<string, string | undefined>; key?: Buffer } = {}): ResolvedUrl {
  const env = opts.env ?? process.env;
  if (stored.urlRef) {
    const name = parseEnvRef(stored.urlRef);
    if (!name) {
      return { ok: false, reason: "invalid url", message: `"${stored.urlRef}" is not a valid reference; write env:NAME with NAME a variable name` };
    }
    const refusal = envRefRefusal(name, env);
    if (refusal) return { ok: false, reason: "invalid url", message: refusal };
    const value = env[name];
    if (value === undefined || value === "") {
      return { ok: false, reason: "environment variable not set", message: `environment variable ${name} is not set` };
    }
    return { ok: true, url: value };
  }
  if (stored.urlEncrypted) {
    if (!opts.key) return { ok: false, reason: "invalid url", message: "the URL is stored encrypted but no CAIRN_SECRET_KEY is available to decrypt it" };
    try {
      return { ok: true, url: decryptSecret(stored.urlEncrypted, opts.key) };
    } catch (e) {
      return { ok: false, reason: "invalid url", message: isAppError(e) ? e.userMessage : "the stored URL could not be decrypted" };
    }
  }
  return { ok: false, reason: "invalid url", message: "no database URL is configured for this environment" };
}
