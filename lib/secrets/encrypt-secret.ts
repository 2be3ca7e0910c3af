import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";

/**
 * AES-256-GCM for database URLs at rest. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url), so a
 * stored value says which scheme wrote it and a tampered or re-keyed one fails loudly, never silently.
 */
const VERSION = "v1";

export function encryptSecret(plaintext: string, key: Buffer): string {
  assertKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ct.toString("base64url")].join(".");
}

export function decryptSecret(blob: string, key: Buffer): string {
  assertKey(key);
  const parts = blob.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new AppError("config", "stored secret has an unknown format", "A stored database URL is not in Cairn's encrypted format. Re-enter the URL for this environment.");
  }
  const [, ivB64, tagB64, ctB64] = parts as [string, string, string, string];
  const iv = Buffer.from(ivB64, "base64url");
  const tag = Buffer.from(tagB64, "base64url");
  if (iv.length !== 12 || tag.length !== 16) {
    throw new AppError("config", "stored secret is malformed", "A stored database URL is damaged. Re-enter the URL for this environment.");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new AppError(
      "config",
      "stored secret failed authentication (wrong key or tampered value)",
      "A stored database URL could not be decrypted: CAIRN_SECRET_KEY changed since it was saved, or the value was altered. Restore the previous key or re-enter the URL.",
    );
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new AppError("config", `encryption key must be 32 bytes, got ${key.length}`);
}
