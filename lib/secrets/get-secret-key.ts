import "server-only";
import { serverEnv } from "@/lib/config/server-env";
import { isAppError } from "@/lib/errors";
import { loadSecretKey } from "@/lib/secrets/load-secret-key";

let cached: Buffer | undefined;

/**
 * The app's URL-encryption key: CAIRN_SECRET_KEY, or for the embedded store (no DATABASE_URL, as
 * getStore decides) a key generated once into `<CAIRN_DATA_DIR>/secret.key` (0600). Undefined for a
 * shared PostgreSQL store without CAIRN_SECRET_KEY: env: references still work, and literal URLs are
 * refused or reported as undecryptable with a message saying so. A malformed CAIRN_SECRET_KEY throws
 * (AppError "config"). Needs no store, so start-up tasks may call it.
 */
export function getSecretKey(): Buffer | undefined {
  if (cached) return cached;
  const env = serverEnv();
  const embedded = !env.DATABASE_URL;
  try {
    cached = loadSecretKey({ secretKey: env.CAIRN_SECRET_KEY, dataDir: env.CAIRN_DATA_DIR, allowGeneratedKey: embedded });
  } catch (e) {
    if (isAppError(e) && !env.CAIRN_SECRET_KEY && !embedded) return undefined;
    throw e;
  }
  return cached;
}
