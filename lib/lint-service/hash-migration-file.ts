import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";

/** sha256 (hex) of a migration file's bytes, or null when it cannot be read. An acknowledgement holds for these bytes only. */
export async function hashMigrationFile(file: string | undefined): Promise<string | null> {
  if (!file) return null;
  const bytes = await fs.promises.readFile(file).catch(() => null);
  return bytes ? crypto.createHash("sha256").update(bytes).digest("hex") : null;
}
