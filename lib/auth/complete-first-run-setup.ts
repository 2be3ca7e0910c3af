import "server-only";
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { createUser, ZCreateUserSchema } from "@/lib/auth/create-user";

/** The first-run form: the first admin's e-mail, name and password. */
export const ZFirstRunSchema = ZCreateUserSchema.omit({ role: true });

/** Is the store still waiting for its first user (the /setup page exists only then)? */
export async function isFirstRun(db: PrismaClient): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/**
 * Creates the first admin. Refuses once any user exists — checked under a transaction-scoped
 * advisory lock, so two browsers racing through /setup cannot both win.
 */
export async function completeFirstRunSetup(db: PrismaClient, input: unknown): Promise<User> {
  const data = ZFirstRunSchema.parse(input);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(827301)`;
    if ((await tx.user.count()) > 0) {
      throw new AppError("not-found", "setup already completed", "Cairn is already set up. Sign in, or ask an admin for an account.");
    }
    const user = await createUser(tx, { ...data, role: "admin" });
    await recordAudit(tx, { actor: { label: user.email }, action: "user.create", outcome: "ok", details: { userId: user.id, email: user.email, role: "admin", source: "first-run setup" } });
    return user;
  });
}
