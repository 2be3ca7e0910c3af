import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { safeNextPath } from "@/lib/auth/check-origin";
import { oidcSettings } from "@/lib/auth/oidc";
import { ssoErrorMessage } from "@/lib/auth/sso-errors";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";
import { isFirstRun } from "@/lib/auth/complete-first-run-setup";
import { AuthCard } from "@/components/auth/auth-card";
import { Alert } from "@/components/ui/alert";
import { LoginForm } from "@/components/auth/login-form";
import { signInAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : undefined);
  const db = await getDb();
  await ensureBootstrapAdmin(db);
  if (await isFirstRun(db)) redirect("/setup");
  if (await getActor()) redirect(next);
  const sso = oidcSettings() !== null;
  const ssoError = ssoErrorMessage(typeof sp.sso_error === "string" ? sp.sso_error : undefined);
  return (
    <AuthCard title="Sign in" subtitle="Cairn changes production databases, so it needs to know who you are.">
      {ssoError && (
        <Alert tone="error" className="mb-4">
          {ssoError}
        </Alert>
      )}
      {sso && (
        <>
          <a href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`} className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-center text-sm font-medium text-stone-800 hover:bg-stone-50">
            Sign in with single sign-on
          </a>
          <p className="my-4 text-center text-xs tracking-wide text-stone-400 uppercase">or</p>
        </>
      )}
      <LoginForm action={signInAction} next={next} />
    </AuthCard>
  );
}
