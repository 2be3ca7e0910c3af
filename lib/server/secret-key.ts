import "server-only";
import { serverEnv } from "@/lib/config/server-env";
import { loadSecretKey } from "@/lib/secrets/load-secret-key";

let key: Buffer | undefined;

/**
 * The key that encrypts stored database URLs. A shared PostgreSQL store needs CAIRN_SECRET_KEY
 * (every instance must hold the same key); the embedded store may generate one into its data dir.
 */
export function appSecretKey(): Buffer {
  if (!key) {
    const env = serverEnv();
    key = loadSecretKey({ secretKey: env.CAIRN_SECRET_KEY, dataDir: env.CAIRN_DATA_DIR, allowGeneratedKey: !env.DATABASE_URL });
  }
  return key;
}
