import "server-only";
import { z } from "zod";
import type { Prisma, PrismaClient, User } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { hashPassword, MAX_PASSWORD_LENGTH } from "@/lib/auth/hash-password";
import { ROLES } from "@/lib/auth/actor";

export const ZEmail = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "must be an e-mail address such as ana@example.com" }));

export const ZNewPassword = z.string({ error: "is required" }).min(12, "must be at least 12 characters").max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const ZRole = z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` });

/** Creating a local account (admin form, API, first-run setup). */
export const ZCreateUserSchema = z.object({
  email: ZEmail,
  name: z.string().trim().max(200, "must be at most 200 characters").default(""),
  password: ZNewPassword,
  role: ZRole.default("viewer"),
});
export type TCreateUser = z.input<typeof ZCreateUserSchema>;

/**
 * Creates a local account with a hashed password. Used by the admin API, the first-run setup,
 * the bootstrap admin, and by other suites and e2e seeding. Does not audit: callers that act for
 * someone audit in their own transaction (pass `tx`).
 */
export async function createUser(db: PrismaClient | Prisma.TransactionClient, input: { email: string; password: string; role?: Role; name?: string }): Promise<User> {
  const data = ZCreateUserSchema.parse(input);
  const existing = await db.user.findUnique({ where: { email: data.email } });
  if (existing) throw new AppError("conflict", `user ${data.email} exists`, `A user with the e-mail ${data.email} already exists.`);
  return db.user.create({
    data: { email: data.email, name: data.name, role: data.role, passwordHash: await hashPassword(data.password) },
  });
}
