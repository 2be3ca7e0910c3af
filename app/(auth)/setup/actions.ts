"use server";
// Server action behind /setup: creates the first admin while the store has no user, then signs them in.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorMessage } from "@/lib/api/error-response";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { completeFirstRunSetup } from "@/lib/auth/complete-first-run-setup";
import { createSession } from "@/lib/auth/create-session";
import { setSessionCookie } from "@/lib/auth/set-session-cookie";
import type { SetupState } from "@/components/auth/setup-form";

export async function setupAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  const input = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? ""), password: String(form.get("password") ?? "") };
  const echo = { email: input.email, name: input.name };
  const h = await headers();
  if (!isSameOriginRequest(originHeadersOf(h), `http://${h.get("host") ?? "localhost"}/`, serverEnv().CAIRN_PUBLIC_URL)) {
    return { error: "This request came from another site and was refused. Open Cairn directly.", ...echo };
  }
  if (input.password !== String(form.get("confirm") ?? "")) return { error: "The two passwords differ. Type the same password twice.", ...echo };
  let session: { token: string; expiresAt: Date };
  try {
    const db = await getDb();
    // completeFirstRunSetup refuses once any user exists: this action is inert after setup.
    const user = await completeFirstRunSetup(db, input);
    session = await createSession(db, user.id);
  } catch (e) {
    return { error: errorMessage(e), ...echo };
  }
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/");
}
