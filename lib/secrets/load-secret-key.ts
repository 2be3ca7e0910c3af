import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { parseSecretKey } from "@/lib/secrets/parse-secret-key";

export interface LoadSecretKeyOptions {
  /** Value of CAIRN_SECRET_KEY, if set. */
  secretKey?: string;
  /** Cairn's data directory (the embedded store's). */
  dataDir: string;
  /**
   * The embedded demo store: with no CAIRN_SECRET_KEY, a key is generated once into
   * `<dataDir>/secret.key` (mode 0600) so the demo works out of the box. A shared PostgreSQL
   * store must be given CAIRN_SECRET_KEY, since every instance has to hold the same key.
   */
  allowGeneratedKey: boolean;
}

export const SECRET_KEY_FILE = "secret.key";

/** The key that encrypts stored database URLs. */
export function loadSecretKey(options: LoadSecretKeyOptions): Buffer {
  if (options.secretKey) return parseSecretKey(options.secretKey);
  if (!options.allowGeneratedKey) {
    throw new AppError(
      "config",
      "CAIRN_SECRET_KEY is not set",
      "CAIRN_SECRET_KEY is not set. Cairn needs it to encrypt stored database URLs: set it to `openssl rand -hex 32` on every instance (or use env:NAME references instead of literal URLs).",
    );
  }
  const file = path.join(path.resolve(options.dataDir), SECRET_KEY_FILE);
  try {
    return parseSecretKey(fs.readFileSync(file, "utf8"), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const hex = randomBytes(32).toString("hex");
  try {
    // "wx": never overwrite a key another process wrote first — that would orphan its secrets.
    fs.writeFileSync(file, hex + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return parseSecretKey(fs.readFileSync(file, "utf8"), file);
  }
  return Buffer.from(hex, "hex");
}
