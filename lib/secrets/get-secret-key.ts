import "server-only";
import { getStore } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { isAppError } from "@/lib/errors";
import { loadSecretKey } from "@/lib/secrets/load-secret-key";

let cached: Buffer | undefined;

/**
 * The app's URL-encryption key: CAIRN_SECRET_KEY, or for the embedded demo store a key generated
 * once into `<CAIRN_DATA_DIR>/secret.key` (0600). Undefined for a shared PostgreSQL store without
 * CAIRN_SECRET_KEY: env: references still work, literal URLs are refused with a message saying so.
 * A malformed CAIRN_SECRET_KEY throws (AppError "config").
 */
export async function getSecretKey(): Promise<Buffer | undefined> {
  if (cached) return cached;
  const env = serverEnv();
  const store = await getStore();
  try {
    cached = loadSecretKey({ secretKey: env.CAIRN_SECRET_KEY, dataDir: env.CAIRN_DATA_DIR, allowGeneratedKey: store.kind === "embedded" });
  } catch (e) {
    if (isAppError(e) && !env.CAIRN_SECRET_KEY && store.kind !== "embedded") return undefined;
    throw e;
  }
  return cached;
}
