import "server-only";
import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { SqlPreview } from "@/lib/runner/preview-sql";

/** How long a rendered preview is reused: long enough to read a plan, request it and have it approved. */
const REUSE_MS = 60 * 60_000;

/** sha256 of everything the SQL depends on (JSON of `parts`: plain data only). */
export function previewKey(parts: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/**
 * The SQL preview for `key`: the one rendered for the plan the person reviewed when it is in the store
 * (any instance rendered it, less than an hour ago), else rendered now and kept. The key holds the
 * hashes of the files the SQL comes from (readReviewedFiles), so an edited file is a new key, never a
 * stale hit. A preview Alembic failed to render completely is not kept: it may have failed for a
 * passing reason, and rendering it again says so.
 */
export async function cachedPreview(db: PrismaClient, key: string, render: () => Promise<SqlPreview>): Promise<{ preview: SqlPreview; reused: boolean }> {
  const hit = await db.sqlPreviewCache.findUnique({ where: { key } }).catch(() => null);
  if (hit && Date.now() - hit.createdAt.getTime() < REUSE_MS) return { preview: hit.preview as unknown as SqlPreview, reused: true };
  const preview = await render();
  if (preview.errors.length === 0) {
    const value = preview as unknown as Prisma.InputJsonValue;
    try {
      await db.sqlPreviewCache.upsert({ where: { key }, create: { key, preview: value }, update: { preview: value, createdAt: new Date() } });
      await db.sqlPreviewCache.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - REUSE_MS) } } });
    } catch (e) {
      // A preview that is not kept is rendered again next time: never a reason to fail the plan.
      console.warn("[cairn] could not keep an SQL preview:", e instanceof Error ? e.message : String(e));
    }
  }
  return { preview, reused: false };
}
