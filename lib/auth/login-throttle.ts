import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

/**
 * Brute-force protection for password sign-in: a slow-down, not a lock-out.
 *
 * Every attempt is counted *before* the password is checked, in one atomic statement per key
 * (INSERT … ON CONFLICT DO UPDATE … WHERE not delayed … RETURNING, under the row's lock), so
 * parallel attempts cannot all read "not throttled" and race past the limit. After a key's free
 * attempts, each further attempt must wait twice as long as the one before, up to a cap; a
 * success clears the e-mail's counters. Keys:
 * - the e-mail from one client address (`pair:`): the guessing address slows down, the owner
 *   signing in from elsewhere does not;
 * - the client address across e-mails (`ip:`): password spraying;
 * - the e-mail from anywhere (`email:`): many addresses guessing one account; generous and with a
 *   short cap, so it bounds a distributed attack without locking the owner out.
 * The client address is known only behind a trusted proxy (CAIRN_TRUST_PROXY); without one every
 * request shares the address "-", and the pair key is the e-mail alone.
 */

/** A key's counter starts over after this long without a failure (longer than any delay, so waiting out delays never resets it). */
export const THROTTLE_WINDOW_MS = 60 * 60 * 1000;
/** Attempts before the e-mail from one address is slowed. */
export const FREE_ATTEMPTS_PER_PAIR = 5;
/** Attempts before an address is slowed: higher, since many people may share one (NAT, proxy). */
export const FREE_ATTEMPTS_PER_ADDRESS = 20;
/** Attempts before an e-mail is slowed whatever the address. */
export const FREE_ATTEMPTS_PER_EMAIL = 50;
/** The first delay; each further attempt doubles it. */
export const BASE_DELAY_MS = 1000;
/** The longest delay for an address or an e-mail from one address. */
export const MAX_DELAY_MS = 5 * 60 * 1000;
/** The longest delay an e-mail gets from failures spread over many addresses: its owner waits at most this. */
export const MAX_EMAIL_DELAY_MS = 60 * 1000;

export type ThrottleKey = { key: string; free: number; maxDelayMs: number; kind: "pair" | "address" | "email" };

/** How long the next attempt must wait after the `attempts`-th one (0 while attempts are free). Pure. */
export function delayAfter(attempts: number, free: number, maxDelayMs: number): number {
  if (attempts < free) return 0;
  return Math.min(maxDelayMs, BASE_DELAY_MS * 2 ** Math.min(attempts - free, 30));
}

export function throttleKeys(email: string, clientAddress: string | undefined): ThrottleKey[] {
  const e = email.trim().toLowerCase();
  const keys: ThrottleKey[] = [
    { key: `email:${e}`, free: FREE_ATTEMPTS_PER_EMAIL, maxDelayMs: MAX_EMAIL_DELAY_MS, kind: "email" },
    { key: `pair:${e}|${clientAddress ?? "-"}`, free: FREE_ATTEMPTS_PER_PAIR, maxDelayMs: MAX_DELAY_MS, kind: "pair" },
  ];
  if (clientAddress) keys.push({ key: `ip:${clientAddress}`, free: FREE_ATTEMPTS_PER_ADDRESS, maxDelayMs: MAX_DELAY_MS, kind: "address" });
  // A fixed order: concurrent transactions lock rows in the same order and cannot deadlock.
  return keys.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Timestamps as the columns hold them: timestamp without zone, in UTC. */
const utc = (d: Date) => d.toISOString();

/**
 * Counts one attempt on every key, atomically, or refuses with `rate-limited` (429, naming the
 * wait) when any key is still in its delay — in which case nothing is counted. Call before the
 * password is checked; on success call clearAttempts.
 */
export async function reserveAttempt(db: PrismaClient, keys: ThrottleKey[], now: Date = new Date()): Promise<void> {
  const staleBefore = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  await db.$transaction(async (tx) => {
    for (const k of keys) {
      // The WHERE is evaluated on the locked, latest row: of N parallel attempts exactly the free ones pass.
      const rows = await tx.$queryRaw<{ failures: number }[]>`
        INSERT INTO "LoginThrottle" AS t ("key", "failures", "windowStart", "lockedUntil")
        VALUES (${k.key}::text, 1, (${utc(now)}::timestamptz AT TIME ZONE 'UTC'), NULL)
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = CASE WHEN t."windowStart" < (${utc(staleBefore)}::timestamptz AT TIME ZONE 'UTC') THEN 1 ELSE t."failures" + 1 END,
          "windowStart" = (${utc(now)}::timestamptz AT TIME ZONE 'UTC')
        WHERE t."lockedUntil" IS NULL OR t."lockedUntil" <= (${utc(now)}::timestamptz AT TIME ZONE 'UTC')
        RETURNING t."failures"`;
      if (rows.length === 0) await refuse(tx, k, now);
      const delay = delayAfter(Number(rows[0]!.failures), k.free, k.maxDelayMs);
      await tx.$executeRaw`
        UPDATE "LoginThrottle" SET "lockedUntil" = ${delay > 0 ? new Date(now.getTime() + delay).toISOString() : null}::timestamptz AT TIME ZONE 'UTC'
        WHERE "key" = ${k.key}::text`;
    }
  });
}

async function refuse(tx: Prisma.TransactionClient, k: ThrottleKey, now: Date): Promise<never> {
  const row = await tx.loginThrottle.findUnique({ where: { key: k.key } });
  const seconds = Math.max(1, Math.ceil(((row?.lockedUntil?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
  const wait = seconds < 120 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  const where = k.kind === "email" ? "for this account" : "from here";
  throw new AppError(
    "rate-limited",
    `sign-in slowed down (${k.kind})`,
    `Too many failed sign-ins ${where}. Wait ${wait} and try again; each further failure doubles the wait. If you forgot your password, ask an admin to reset it.`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * A successful sign-in clears the e-mail's counters (from this address and overall) and gives
 * the address back the attempt it used: an office behind one NAT is not slowed by its own
 * successful sign-ins, and one good account does not wipe a spraying address's record.
 */
export async function clearAttempts(db: PrismaClient, keys: ThrottleKey[]): Promise<void> {
  const cleared = keys.filter((k) => k.kind !== "address").map((k) => k.key);
  await db.loginThrottle.deleteMany({ where: { key: { in: cleared } } });
  for (const k of keys.filter((k) => k.kind === "address")) {
    await db.$executeRaw`UPDATE "LoginThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "key" = ${k.key}::text`;
  }
}

/** Forgets every counter of an e-mail (an admin reset its password). */
export async function forgetEmail(db: PrismaClient | Prisma.TransactionClient, email: string): Promise<void> {
  const e = email.trim().toLowerCase();
  await db.loginThrottle.deleteMany({ where: { OR: [{ key: `email:${e}` }, { key: { startsWith: `pair:${e}|` } }] } });
}
