import "server-only";
import { cookies, headers } from "next/headers";
import { serverEnv } from "@/lib/config/server-env";
import { cookieAttributes, isSecureContext, SESSION_COOKIE } from "@/lib/auth/session-cookie";

/** Sets the session cookie from a server action (route handlers use serializeCookie on their Response). */
export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const h = await headers();
  const secure = isSecureContext(`http://${h.get("host") ?? "localhost"}/`, h.get("x-forwarded-proto"), serverEnv().CAIRN_PUBLIC_URL);
  (await cookies()).set(SESSION_COOKIE, token, cookieAttributes(secure, expiresAt));
}
