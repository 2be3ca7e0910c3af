import "server-only";
import { z } from "zod";
import type { Prisma, PrismaClient, User } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/hash-password";
import { forgetEmail } from "@/lib/auth/login-throttle";
import { createUser, ZCreateUserSchema, ZNewPassword, ZRole } from "@/lib/auth/create-user";

/** A user as listed: never the password hash. */
export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: User["role"];
  disabled: boolean;
  hasPassword: boolean;
  sso: boolean;
  createdAt: string;
};

export function toUserSummary(u: User): UserSummary {
  return { id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled, hasPassword: !!u.passwordHash, sso: !!u.oidcSubject, createdAt: u.createdAt.toISOString() };
}

export async function listUsers(db: PrismaClient): Promise<UserSummary[]> {
  return (await db.user.findMany({ orderBy: { email: "asc" } })).map(toUserSummary);
}

/** An admin creates a local account; audited in the same transaction. */
export async function adminCreateUser(db: PrismaClient, actor: Actor, data: z.output<typeof ZCreateUserSchema>): Promise<UserSummary> {
  const user = await db.$transaction(async (tx) => {
    const created = await createUser(tx, data);
    await recordAudit(tx, { actor, action: "user.create", outcome: "ok", details: { userId: created.id, email: created.email, role: created.role } });
    return created;
  });
  return toUserSummary(user);
}

export const ZUpdateUserSchema = z
  .object({
    role: ZRole.optional(),
    disabled: z.boolean({ error: "must be true or false" }).optional(),
    name: z.string().trim().max(200, "must be at most 200 characters").optional(),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined || v.name !== undefined, { message: "nothing to change: send role, disabled or name" });
export type TUpdateUser = z.input<typeof ZUpdateUserSchema>;

/**
 * Changes a user's role, name or disabled flag. Refuses to leave Cairn without an enabled admin.
 * Disabling ends the user's sessions; their tokens stop working because the owner is disabled.
 */
export async function updateUser(db: PrismaClient, actor: Actor, userId: string, data: z.output<typeof ZUpdateUserSchema>): Promise<UserSummary> {
  const user = await db.$transaction(async (tx) => {
    const before = await findUserOrThrow(tx, userId);
    const loses = before.role === "admin" && !before.disabled && ((data.role !== undefined && data.role !== "admin") || data.disabled === true);
    if (loses) await assertAnotherAdmin(tx, userId);
    const after = await tx.user.update({ where: { id: userId }, data });
    if (data.disabled === true) await tx.session.deleteMany({ where: { userId } });
    const changes: Record<string, unknown> = {};
    if (data.role !== undefined && data.role !== before.role) changes.role = { from: before.role, to: data.role };
    if (data.disabled !== undefined && data.disabled !== before.disabled) changes.disabled = { from: before.disabled, to: data.disabled };
    if (data.name !== undefined && data.name !== before.name) changes.name = { from: before.name, to: data.name };
    await recordAudit(tx, { actor, action: "user.update", outcome: "ok", details: { userId, email: before.email, changes } });
    return after;
  });
  return toUserSummary(user);
}

export const ZResetPasswordSchema = z.object({ password: ZNewPassword });

/** Sets a new password (an admin's reset) and ends the user's sessions. */
export async function resetUserPassword(db: PrismaClient, actor: Actor, userId: string, { password }: z.output<typeof ZResetPasswordSchema>): Promise<UserSummary> {
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const before = await findUserOrThrow(tx, userId);
    const after = await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId } });
    await forgetEmail(tx, before.email);
    await recordAudit(tx, { actor, action: "user.reset-password", outcome: "ok", details: { userId, email: before.email } });
    return after;
  });
  return toUserSummary(user);
}

async function findUserOrThrow(tx: Prisma.TransactionClient, userId: string): Promise<User> {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("not-found", `user ${userId} not found`, "That user was not found. Reload the page.");
  return user;
}

async function assertAnotherAdmin(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  // Serialise admin demotions so two admins cannot demote each other at the same moment.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(827302)`;
  const others = await tx.user.count({ where: { role: "admin", disabled: false, id: { not: userId } } });
  if (others === 0) {
    throw new AppError("conflict", "last admin", "This is the last enabled admin. Make someone else an admin first, so Cairn is never left without one.");
  }
}
