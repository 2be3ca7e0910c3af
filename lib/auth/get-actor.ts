import "server-only";
import { cookies, headers } from "next/headers";
import type { Role } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { hasRole, ROLE_LABELS, type Actor } from "@/lib/auth/actor";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { readBearer, resolveSessionActor, resolveTokenActor } from "@/lib/auth/resolve-actor";

/** The signed-in actor for server components and server actions (uses next/headers), or null. */
export async function getActor(): Promise<Actor | null> {
  const db = await getDb();
  const bearer = readBearer((await headers()).get("authorization"));
  if (bearer !== undefined) return resolveTokenActor(db, bearer);
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? resolveSessionActor(db, token) : null;
}

/** The signed-in actor, or an AppError: `unauthenticated` when nobody is, `forbidden` when the role is not in `roles`. */
export async function requireActor(roles: Role[] | "any" = "any"): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw new AppError("unauthenticated", "not signed in", "You are not signed in, or your session has ended. Sign in and try again.");
  if (!hasRole(actor, roles)) {
    throw new AppError("forbidden", `role ${actor.role} not in ${String(roles)}`, `Your role (${ROLE_LABELS[actor.role]}) may not see or do this. Ask an admin if you should have access.`);
  }
  return actor;
}
