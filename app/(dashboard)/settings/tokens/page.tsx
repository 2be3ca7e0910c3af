import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { listApiTokens } from "@/lib/auth/manage-api-tokens";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { TokensAdmin } from "@/components/admin/tokens-admin";

export const metadata: Metadata = { title: "Your API tokens" };

/** Settings → API tokens: each person creates and revokes their own tokens (a token acts as its creator). */
export default async function MyTokensPage() {
  const actor = await requirePageActor("/settings/tokens");
  const allowed = can(actor, "tokens.own");
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-1 text-lg font-semibold text-stone-900">Your API tokens</h1>
      <p className="mb-4 text-sm text-stone-600">
        For scripts and CI: send <code className="text-xs">Authorization: Bearer cairn_…</code> to Cairn&apos;s JSON API. A token acts as you — never as anyone else — within its scopes, and works on the API only, not on these
        pages.
      </p>
      {allowed ? <TokensAdmin tokens={await listApiTokens(await getDb(), { ownerId: actor.userId })} mode="own" /> : null}
    </div>
  );
}
