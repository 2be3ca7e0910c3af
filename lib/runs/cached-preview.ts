import "server-only";
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { SqlPreview } from "@/lib/runner/preview-sql";

/** How long a rendered preview is reused: long enough to read a plan, request it and have it approved. */
const REUSE_MS = 60 * 60_000;

/** Keys without the server's secret key (tests, a store without one) are keyed per process instead: never a bare hash of a URL. */
const processKey = randomBytes(32);

/**
 * The key of a preview: an HMAC (the server's secret key) of everything the SQL depends on — JSON of
 * `parts`, plain data only. Keyed rather than a bare sha256, because the parts hold the database URL
 * and a bare hash of a URL kept in the store could be attacked offline for its password.
 */
export function previewKey(parts: Record<string, unknown>, secret: Buffer | undefined): string {
  return createHmac("sha256", secret ?? processKey)
    .update(createHash("sha256").update(JSON.stringify(parts)).digest())
    .digest("hex");
}

/** The preview rendered for `key` less than an hour ago, by any instance, or null. */
export async function readKeptPreview(db: PrismaClient, key: string): Promise<SqlPreview | null> {
  const hit = await db.sqlPreviewCache.findUnique({ where: { key } }).catch(() => null);
  return hit && Date.now() - hit.createdAt.getTime() < REUSE_MS ? (hit.preview as unknown as SqlPreview) : null;
}

/**
 * Keeps a preview for its key. The caller keeps it only once the files it was rendered from hash as
 * they did before Alembic read them (the key holds those hashes): a preview of bytes that changed
 * during the render must never be served for the bytes before. A preview Alembic could not render
 * completely is not kept: it may have failed for a passing reason, and rendering again says so.
 */
export async function keepPreview(db: PrismaClient, key: string, preview: SqlPreview): Promise<void> {
  if (preview.errors.length > 0) return;
  const value = preview as unknown as Prisma.InputJsonValue;
  try {
    await db.sqlPreviewCache.upsert({ where: { key }, create: { key, preview: value }, update: { preview: value, createdAt: new Date() } });
    await db.sqlPreviewCache.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - REUSE_MS) } } });
  } catch (e) {
    // A preview that is not kept is rendered again next time: never a reason to fail the plan.
    console.warn("[cairn] could not keep an SQL preview:", e instanceof Error ? e.message : String(e));
  }
}
