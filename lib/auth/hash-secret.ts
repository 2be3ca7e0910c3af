import { createHash, randomBytes } from "node:crypto";

/** SHA-256 hex of a high-entropy secret (session cookie, API token). Only this is stored. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A fresh 32-byte random secret, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
