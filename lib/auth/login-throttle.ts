import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

/** Failed sign-ins are counted per e-mail and per client address within a window. */
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const THROTTLE_LOCK_MS = 15 * 60 * 1000;
/** Failures before an e-mail is locked. */
export const MAX_FAILURES_PER_EMAIL = 5;
/** Failures before an address is locked: higher, since many people may share one (NAT, proxy). */
export const MAX_FAILURES_PER_ADDRESS = 20;

export type ThrottleKey = { key: string; limit: number };

export function throttleKeys(email: string, clientAddress: string | undefined): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `email:${email.trim().toLowerCase()}`, limit: MAX_FAILURES_PER_EMAIL }];
  if (clientAddress) keys.push({ key: `ip:${clientAddress}`, limit: MAX_FAILURES_PER_ADDRESS });
  return keys;
}

/** Throws a `locked` AppError, naming the time left, when any key is locked. */
export async function assertNotThrottled(db: PrismaClient, keys: ThrottleKey[], now: Date = new Date()): Promise<void> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil!.getTime()));
  if (until > now.getTime()) {
    const minutes = Math.ceil((until - now.getTime()) / 60000);
    throw new AppError(
      "locked",
      `sign-in throttled for ${rows.map((r) => r.key.split(":")[0]).join(", ")}`,
      `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or ask an admin to reset your password.`,
    );
  }
}

/**
 * Counts one failure on each key, in one statement per key so that parallel attempts cannot
 * race past the limit (times passed as UTC ISO strings: the columns are timestamp without zone, in UTC); a window older than THROTTLE_WINDOW_MS starts over.
 */
export async function recordFailure(db: PrismaClient, keys: ThrottleKey[], now: Date = new Date()): Promise<void> {
  const windowStartBefore = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lockUntil = new Date(now.getTime() + THROTTLE_LOCK_MS);
  for (const { key, limit } of keys) {
    await db.$executeRaw`
      INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
      VALUES (${key}::text, 1, (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'), CASE WHEN 1 >= ${limit}::int THEN (${lockUntil.toISOString()}::timestamptz AT TIME ZONE 'UTC') ELSE NULL END)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."windowStart" < (${windowStartBefore.toISOString()}::timestamptz AT TIME ZONE 'UTC') THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < (${windowStartBefore.toISOString()}::timestamptz AT TIME ZONE 'UTC') THEN (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC') ELSE "LoginThrottle"."windowStart" END,
        "lockedUntil" = CASE
          WHEN (CASE WHEN "LoginThrottle"."windowStart" < (${windowStartBefore.toISOString()}::timestamptz AT TIME ZONE 'UTC') THEN 1 ELSE "LoginThrottle"."failures" + 1 END) >= ${limit}::int
          THEN (${lockUntil.toISOString()}::timestamptz AT TIME ZONE 'UTC') ELSE "LoginThrottle"."lockedUntil" END`;
  }
}

/** A successful sign-in clears the e-mail's counter (not the address's: one good account must not reset it). */
export async function clearFailures(db: PrismaClient, keys: ThrottleKey[]): Promise<void> {
  const emailKeys = keys.filter((k) => k.key.startsWith("email:")).map((k) => k.key);
  await db.loginThrottle.deleteMany({ where: { key: { in: emailKeys } } });
}
