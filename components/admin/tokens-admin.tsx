"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ApiTokenSummary } from "@/lib/auth/manage-api-tokens";
import { TOKEN_SCOPES, type TokenScope } from "@/lib/auth/token-scopes";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";

const field = "rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm";

/**
 * API tokens. `mode="own"` (Settings → API tokens): your tokens — create (secret shown once,
 * acting as you) and revoke, through /api/tokens. `mode="all"` (admin): everyone's tokens, revoke
 * only, through /api/admin/tokens — a token acts as the person who created it, so nobody creates
 * one for someone else.
 */
export function TokensAdmin({ tokens, mode }: { tokens: ApiTokenSummary[]; mode: "own" | "all" }) {
  const revokePath = mode === "own" ? "/api/tokens" : "/api/admin/tokens";
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, startTransition] = useTransition();

  const run = (work: () => Promise<void>) =>
    startTransition(async () => {
      setError(null);
      try {
        await work();
        router.refresh();
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    });

  return (
    <div className="space-y-6">
      {error && <Alert tone="error">{error}</Alert>}
      {secret && (
        <div role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          <p className="font-medium">Token “{secret.name}” created. Copy it now — it will not be shown again.</p>
          <div className="mt-2 flex items-center gap-2">
            <code className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs text-stone-900" data-testid="new-token">
              {secret.token}
            </code>
            <button
              type="button"
              className="rounded-md border border-green-300 px-2 py-1 text-xs"
              onClick={() => {
                void navigator.clipboard?.writeText(secret.token);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="rounded-md border border-green-300 px-2 py-1 text-xs" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}

      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="min-w-full divide-y divide-stone-200 text-sm">
          <thead className="bg-stone-50 text-left text-xs font-semibold tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="px-3 py-2">Name</th>
              {mode === "all" && <th className="px-3 py-2">Acts as</th>}
              <th className="px-3 py-2">Scopes</th>
              <th className="px-3 py-2">Last used</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {tokens.length === 0 && (
              <tr>
                <td colSpan={mode === "all" ? 5 : 4} className="px-3 py-6 text-center text-stone-500">
                  No API tokens yet.
                </td>
              </tr>
            )}
            {tokens.map((t) => (
              <tr key={t.id} className={t.revokedAt ? "text-stone-400" : ""}>
                <td className="px-3 py-2">
                  <p className="font-medium">{t.name}</p>
                  <p className="font-mono text-xs text-stone-500">{t.prefix}…</p>
                </td>
                {mode === "all" && <td className="px-3 py-2">{t.userEmail}</td>}
                <td className="px-3 py-2 text-xs">{t.scopes.join(", ")}</td>
                <td className="px-3 py-2 text-xs">{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : "never"}</td>
                <td className="px-3 py-2 text-right">
                  {t.revokedAt ? (
                    <span className="text-xs">Revoked {new Date(t.revokedAt).toLocaleDateString()}</span>
                  ) : (
                    <Button
                      disabled={pending}
                      variant="danger"
                      size="sm"
                      onClick={() => {
                        if (confirm(`Revoke “${t.name}”? Anything using it stops working at once.`))
                          run(async () => {
                            await callApi("DELETE", `${revokePath}/${t.id}`);
                          });
                      }}
                    >
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {mode === "own" ? (
        <section className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="text-sm font-semibold text-stone-800">Create a token</h2>
          <p className="mt-1 text-xs text-stone-500">A token acts as you, with your role, limited to the scopes you tick. Keep it secret; revoke it here when it is no longer needed.</p>
          <form
            className="mt-3 space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const formEl = e.currentTarget;
              const f = new FormData(formEl);
              const input = { name: f.get("name"), scopes: f.getAll("scopes") };
              run(async () => {
                const { token } = await callApi<{ token: string }>("POST", "/api/tokens", input);
                setCopied(false);
                setSecret({ name: String(input.name), token });
                formEl.reset();
              });
            }}
          >
            <div className="flex flex-wrap gap-3">
              <input name="name" required placeholder="Name, e.g. ci-deploy" aria-label="Token name" className={field} />
            </div>
            <fieldset className="flex flex-wrap gap-4">
              <legend className="sr-only">Scopes</legend>
              {(Object.keys(TOKEN_SCOPES) as TokenScope[]).map((s) => (
                <label key={s} className="flex items-center gap-1.5 text-sm" title={TOKEN_SCOPES[s]}>
                  <input type="checkbox" name="scopes" value={s} defaultChecked={s === "status:read"} /> <code className="text-xs">{s}</code>
                </label>
              ))}
            </fieldset>
            <Button type="submit" disabled={pending} variant="primary">
              Create token
            </Button>
          </form>
        </section>
      ) : (
        <p className="text-sm text-stone-600">
          A token acts as the person who created it, so each person creates their own under{" "}
          <a href="/settings/tokens" className="font-medium underline">
            Settings → API tokens
          </a>
          . Admins see and revoke every token here.
        </p>
      )}
    </div>
  );
}
