import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { serverEnv } from "@/lib/config/server-env";
import { recordAudit } from "@/lib/audit/record-audit";
import { createUser } from "@/lib/auth/create-user";

/**
 * On start-up: when the store has no user and CAIRN_ADMIN_EMAIL/CAIRN_ADMIN_PASSWORD are set,
 * creates that admin. Does nothing once any user exists (the variables are not a back door).
 * Returns the e-mail created, or null.
 */
export async function ensureBootstrapAdmin(db: PrismaClient, env: { CAIRN_ADMIN_EMAIL?: string; CAIRN_ADMIN_PASSWORD?: string } = serverEnv()): Promise<string | null> {
  if (!env.CAIRN_ADMIN_EMAIL || !env.CAIRN_ADMIN_PASSWORD) return null;
  const { CAIRN_ADMIN_EMAIL: email, CAIRN_ADMIN_PASSWORD: password } = env;
  return db.$transaction(async (tx) => {
    // One instance at a time: several may start together against one shared store.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(827301)`;
    if ((await tx.user.count()) > 0) return null;
    const user = await createUser(tx, { email, password, role: "admin", name: "Administrator" });
    await recordAudit(tx, { actor: { label: "bootstrap" }, action: "user.create", outcome: "ok", details: { userId: user.id, email: user.email, role: "admin", source: "CAIRN_ADMIN_EMAIL" } });
    return user.email;
  });
}
