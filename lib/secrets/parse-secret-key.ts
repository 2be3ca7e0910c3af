import { AppError } from "@/lib/errors";

/** Decodes CAIRN_SECRET_KEY: 64 hex characters, or base64 of exactly 32 bytes. Pure. */
export function parseSecretKey(value: string, source = "CAIRN_SECRET_KEY"): Buffer {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const bytes = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return bytes;
  }
  const hint = "Set it to 32 random bytes, e.g. `openssl rand -hex 32` (64 hex characters) or `openssl rand -base64 32`.";
  throw new AppError("config", `${source} is not a 256-bit key (got ${v.length} characters)`, `${source} is not a valid encryption key: it must be 64 hex characters or base64 of 32 bytes. ${hint}`);
}
