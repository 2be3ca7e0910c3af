import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";
import { isFirstRun } from "@/lib/auth/complete-first-run-setup";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { setupAction } from "./actions";

export const metadata: Metadata = { title: "Set up Cairn" };
// Decided per request: the page exists only while the store has no user.
export const dynamic = "force-dynamic";

/** Exists only while the store has no user; afterwards it is a 404. */
export default async function SetupPage() {
  const db = await getDb();
  // With CAIRN_ADMIN_EMAIL/PASSWORD set, the first visit creates that admin: send them to sign in.
  if (await ensureBootstrapAdmin(db)) redirect("/login");
  if (!(await isFirstRun(db))) notFound();
  return (
    <AuthCard title="Set up Cairn" subtitle="Create the first admin account. This page disappears once it exists.">
      <SetupForm action={setupAction} />
    </AuthCard>
  );
}
