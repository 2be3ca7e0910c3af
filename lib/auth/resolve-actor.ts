import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, Role } from "@/lib/auth/actor";
import { hashSecret } from "@/lib/auth/hash-secret";
import { SESSION_IDLE_MS } from "@/lib/auth/session-cookie";

/** Bump lastSeenAt / lastUsedAt at most this often, so every request is not a write. */
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * The user behind a session cookie, or null when it is unknown, expired (idle or absolute)
 * or its user is disabled. Expired sessions are deleted on sight. Read from the store on every
 * request: a role change, disabling or sign-out takes effect at once.
 */
export async function resolveSessionActor(db: PrismaClient, token: string, now: Date = new Date()): Promise<Actor | null> {
  if (!token || token.length > 200) return null;
  const id = hashSecret(token);
  // One joined query: every page and every poll (each open overview, every 10 s) asks this, and
  // findUnique with include was two queries and ~3× the CPU on the embedded store.
  const [session] = await db.$queryRaw<SessionWithUser[]>`
    SELECT s."expiresAt", s."lastSeenAt", u."id" AS "userId", u."email", u."name", u."role"::text AS "role", u."disabled"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId"
     WHERE s."id" = ${id}`;
  if (!session) return null;
  const idleExpired = now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  if (session.expiresAt.getTime() <= now.getTime() || idleExpired) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (session.disabled) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return { kind: "user", userId: session.userId, email: session.email, name: session.name, role: session.role };
}

/** A session row and its user's columns, as resolveSessionActor reads them. */
interface SessionWithUser {
  expiresAt: Date;
  lastSeenAt: Date;
  userId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

/** API tokens look like `cairn_` followed by 43 base64url characters. */
export const API_TOKEN_PATTERN = /^cairn_[A-Za-z0-9_-]{43}$/;

/**
 * The actor behind an API token, or null when it is malformed, unknown, revoked or its owner is
 * disabled. No caching: revocation takes effect on the very next request.
 */
export async function resolveTokenActor(db: PrismaClient, token: string, now: Date = new Date()): Promise<Actor | null> {
  if (!API_TOKEN_PATTERN.test(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const scopes = row.scopes;
  const u = row.user;
  return { kind: "token", userId: u.id, email: u.email, name: u.name, role: u.role, tokenId: row.id, scopes };
}

/** Extracts a bearer token from an Authorization header, or undefined. */
export function readBearer(authorization: string | null): string | undefined {
  const m = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}
