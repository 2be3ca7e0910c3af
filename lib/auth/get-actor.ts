import "server-only";
import { cookies } from "next/headers";
import { getDb } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { resolveSessionActor } from "@/lib/auth/resolve-actor";

/**
 * The signed-in person for server components and server actions (uses next/headers), or null.
 *
 * Decision: pages and server actions are for people, so only the session cookie counts here.
 * An `Authorization: Bearer` token is for automation and works on the JSON API only (route());
 * a page requested with one renders as for an anonymous visitor (a redirect to /login), so a
 * token can never see through a page what its scopes would refuse on the API.
 */
export async function getActor(): Promise<Actor | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? resolveSessionActor(await getDb(), token) : null;
}
