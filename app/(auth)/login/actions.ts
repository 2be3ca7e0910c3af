"use server";
// Server action behind the sign-in form: checks the password (throttled), sets the session cookie, goes to ?next=.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorMessage } from "@/lib/api/error-response";
import { isSameOriginRequest, originHeadersOf, safeNextPath } from "@/lib/auth/check-origin";
import { clientAddressOf } from "@/lib/auth/request-info";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { setSessionCookie } from "@/lib/auth/set-session-cookie";
import type { SignInState } from "@/components/auth/login-form";

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  const h = await headers();
  if (!isSameOriginRequest(originHeadersOf(h), `http://${h.get("host") ?? "localhost"}/`, serverEnv().CAIRN_PUBLIC_URL)) {
    return { error: "This sign-in came from another site and was refused. Open Cairn directly and sign in.", email };
  }
  let session: { token: string; expiresAt: Date };
  try {
    session = await signInWithPassword(await getDb(), { email, password: form.get("password"), clientAddress: clientAddressOf(h) });
  } catch (e) {
    return { error: errorMessage(e), email };
  }
  await setSessionCookie(session.token, session.expiresAt);
  redirect(safeNextPath(String(form.get("next") ?? "/")));
}
