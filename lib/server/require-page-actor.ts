import "server-only";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/get-actor";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";

/**
 * For pages: the signed-in actor, or a redirect — to /setup while Cairn has no user at all,
 * otherwise to /login with a way back. Route handlers guard themselves with withRole.
 */
export async function requirePageActor(returnTo: string): Promise<Actor> {
  const actor = await getActor();
  if (actor) return actor;
  const db = await getDb();
  if ((await db.user.count()) === 0) redirect("/setup");
  redirect(`/login?next=${encodeURIComponent(returnTo)}`);
}
