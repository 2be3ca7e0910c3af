import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { listApiTokens } from "@/lib/auth/manage-api-tokens";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { AdminOnly, AdminTabs } from "@/components/admin/admin-tabs";
import { TokensAdmin } from "@/components/admin/tokens-admin";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensAdminPage() {
  const actor = await requirePageActor("/admin/tokens");
  if (!can(actor, "admin.tokens")) {
    return (
      <div className="mx-auto max-w-5xl">
        <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
        <AdminOnly />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="tokens" />
      <TokensAdmin tokens={await listApiTokens(await getDb())} mode="all" />
    </div>
  );
}
