import "server-only";
import { z } from "zod";
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { AppError, isAppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { burnPasswordCheck, hashPassword, MAX_PASSWORD_LENGTH, needsRehash, verifyPassword } from "@/lib/auth/hash-password";
import { clearAttempts, reserveAttempt, throttleKeys } from "@/lib/auth/login-throttle";
import { createSession } from "@/lib/auth/create-session";
import { recordFailedSignIn } from "@/lib/auth/record-failed-sign-in";

/** The sign-in form. Deliberately loose: any mismatch is the same generic refusal. */
export const ZSignInSchema = z.object({
  email: z.string({ error: "is required" }).trim().toLowerCase().min(1, "is required").max(254, "is too long"),
  password: z.string({ error: "is required" }).min(1, "is required").max(MAX_PASSWORD_LENGTH, "is too long"),
});
export type TSignIn = z.infer<typeof ZSignInSchema>;

export const WRONG_CREDENTIALS = "Wrong e-mail or password.";

/**
 * Checks an e-mail and password, with brute-force protection per e-mail and per client address
 * (see login-throttle: every attempt is counted before the password is checked).
 * Throws `rate-limited` while slowed down and `unauthenticated` with one generic message for every
 * other refusal (unknown e-mail, wrong password, disabled or password-less account).
 * On success starts a session and returns its cookie secret.
 */
export async function signInWithPassword(db: PrismaClient, input: { email: unknown; password: unknown; clientAddress?: string }, now: Date = new Date()): Promise<{ user: User; token: string; expiresAt: Date }> {
  const parsed = ZSignInSchema.safeParse(input);
  if (!parsed.success) throw new AppError("unauthenticated", "sign-in form incomplete", "Enter your e-mail and password.");
  const { email, password } = parsed.data;
  const keys = throttleKeys(email, input.clientAddress);
  try {
    await reserveAttempt(db, keys, now);
  } catch (e) {
    if (isAppError(e) && e.code === "rate-limited") await recordFailedSignIn(db, { email, clientAddress: input.clientAddress, why: "rate-limited" }, now);
    throw e;
  }

  const user = await db.user.findUnique({ where: { email } });
  const ok = user?.passwordHash && !user.disabled ? await verifyPassword(password, user.passwordHash) : await burnPasswordCheck(password);
  if (!ok || !user) {
    await recordFailedSignIn(db, { email, clientAddress: input.clientAddress, why: "wrong-credentials" }, now);
    throw new AppError("unauthenticated", "wrong e-mail or password", WRONG_CREDENTIALS);
  }
  await clearAttempts(db, keys);
  if (needsRehash(user.passwordHash!)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  const session = await createSession(db, user.id, now);
  await recordAudit(db, { actor: { label: user.email }, action: "auth.sign-in", outcome: "ok", details: { method: "password", address: input.clientAddress ?? null } });
  return { user, ...session };
}
