import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { listUsers } from "@/lib/auth/manage-users";
import { listApiTokens } from "@/lib/auth/manage-api-tokens";
import { AdminOnly, AdminTabs } from "@/components/admin/admin-tabs";
import { TokensAdmin } from "@/components/admin/tokens-admin";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensAdminPage() {
  const actor = await getActor();
  if (!actor) redirect("/login?next=/admin/tokens");
  if (actor.role !== "admin") {
    return (
      <div className="mx-auto max-w-5xl">
        <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
        <AdminOnly />
      </div>
    );
  }
  const db = await getDb();
  const [tokens, users] = await Promise.all([listApiTokens(db), listUsers(db)]);
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="tokens" />
      <TokensAdmin tokens={tokens} users={users.filter((u) => !u.disabled).map(({ id, email, role }) => ({ id, email, role }))} currentUserId={actor.userId} />
    </div>
  );
}
