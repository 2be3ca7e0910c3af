import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashSecret, newSecret } from "@/lib/auth/hash-secret";
import { SESSION_ABSOLUTE_MS } from "@/lib/auth/session-cookie";

/** Starts a session for a user; returns the cookie secret (shown to the browser only) and its absolute expiry. */
export async function createSession(db: PrismaClient, userId: string, now: Date = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await db.session.create({ data: { id: hashSecret(token), userId, createdAt: now, lastSeenAt: now, expiresAt } });
  return { token, expiresAt };
}

/** Ends a session (sign-out). Unknown tokens are ignored. */
export async function deleteSession(db: PrismaClient, token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashSecret(token) } });
}
