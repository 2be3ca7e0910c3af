import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import { readCookie, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { readBearer, resolveSessionActor, resolveTokenActor } from "@/lib/auth/resolve-actor";

/**
 * Who is making this request? An `Authorization: Bearer cairn_…` header wins over the cookie;
 * a bad bearer token is not silently replaced by the cookie (the caller asked to be the token).
 */
export async function authenticateRequest(db: PrismaClient, headers: Headers, now: Date = new Date()): Promise<Actor | null> {
  const bearer = readBearer(headers.get("authorization"));
  if (bearer !== undefined) return resolveTokenActor(db, bearer, now);
  const cookie = readCookie(headers.get("cookie"), SESSION_COOKIE);
  if (cookie) return resolveSessionActor(db, cookie, now);
  return null;
}
