import "server-only";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record-audit";

/** Distinct client addresses kept per account and minute; a flood from many addresses must not grow it without bound. */
export const MAX_ADDRESSES_PER_MINUTE = 20;

/** What the audit trail shows for one account's refused sign-ins in one minute. */
export interface FailedSignInCounts {
  minute: string;
  attempts: number;
  wrongCredentials: number;
  rateLimited: number;
  addresses: string[];
  lastAt: string;
}

const utc = (d: Date) => d.toISOString();

/**
 * Audits a refused sign-in — wrong credentials, or turned away while slowed down — as one audit row
 * per account (the e-mail typed) per minute. The counts live in SignInFailure, bumped by one atomic
 * upsert per attempt; the first failure of the minute appends the audit row (AuditEvent is
 * append-only), and the trail shows that row with the minute's counts (listAuditEvents). A flood of
 * 10,000 guesses on one account is one row a minute, not 10,000, and still says who was targeted,
 * when, how often and from where.
 */
export async function recordFailedSignIn(db: PrismaClient, i: { email: string; clientAddress?: string; why: "wrong-credentials" | "rate-limited" }, now: Date = new Date()): Promise<void> {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const email = i.email.slice(0, 254);
  const wrong = i.why === "wrong-credentials" ? 1 : 0;
  const limited = i.why === "rate-limited" ? 1 : 0;
  const address = i.clientAddress ?? "-";
  const rows = await db.$queryRaw<{ attempts: number }[]>`
    INSERT INTO "SignInFailure" AS f ("email", "minute", "attempts", "wrongCredentials", "rateLimited", "addresses", "lastAt")
    VALUES (${email}, (${utc(minute)}::timestamptz AT TIME ZONE 'UTC'), 1, ${wrong}, ${limited}, ARRAY[${address}]::text[], (${utc(now)}::timestamptz AT TIME ZONE 'UTC'))
    ON CONFLICT ("email", "minute") DO UPDATE SET
      "attempts" = f."attempts" + 1,
      "wrongCredentials" = f."wrongCredentials" + EXCLUDED."wrongCredentials",
      "rateLimited" = f."rateLimited" + EXCLUDED."rateLimited",
      "addresses" = CASE WHEN f."addresses" @> EXCLUDED."addresses" OR cardinality(f."addresses") >= ${MAX_ADDRESSES_PER_MINUTE} THEN f."addresses" ELSE f."addresses" || EXCLUDED."addresses" END,
      "lastAt" = GREATEST(f."lastAt", EXCLUDED."lastAt")
    RETURNING "attempts"`;
  if (Number(rows[0]?.attempts) !== 1) return;
  await recordAudit(db, {
    actor: { label: email },
    action: "auth.sign-in",
    outcome: "refused",
    details: { minute: utc(minute), attempts: 1, wrongCredentials: wrong, rateLimited: limited, addresses: [i.clientAddress ?? "-"], lastAt: utc(now) },
  });
}

/** The minute's counts for refused sign-in rows, to show on them (keyed "email|minute"). */
export async function failedSignInCounts(db: PrismaClient | Prisma.TransactionClient, rows: { actor: string; minute: string }[]): Promise<Map<string, FailedSignInCounts>> {
  if (!rows.length) return new Map();
  const found = await db.signInFailure.findMany({ where: { OR: rows.map((r) => ({ email: r.actor, minute: new Date(r.minute) })) } });
  return new Map(
    found.map((f) => [
      `${f.email}|${f.minute.toISOString()}`,
      {
        minute: f.minute.toISOString(),
        attempts: f.attempts,
        wrongCredentials: f.wrongCredentials,
        rateLimited: f.rateLimited,
        addresses: f.addresses,
        lastAt: f.lastAt.toISOString(),
      },
    ]),
  );
}
