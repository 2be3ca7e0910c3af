import "server-only";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/get-actor";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";

/**
 * For pages: the signed-in person (session cookie only — see getActor), or a redirect — to
 * /setup while Cairn has no user at all, otherwise to /login with a way back. What the person may
 * see or do on the page is asked of the permission table with `can(actor, action)`, the same
 * table route handlers apply through route() (lib/api/route.ts), which guards each of them itself.
 */
export async function requirePageActor(returnTo: string): Promise<Actor> {
  const actor = await getActor();
  if (actor) return actor;
  const db = await getDb();
  if ((await db.user.count()) === 0) redirect("/setup");
  redirect(`/login?next=${encodeURIComponent(returnTo)}`);
}
