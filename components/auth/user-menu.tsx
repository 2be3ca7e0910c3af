import { getActor } from "@/lib/auth/get-actor";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";

/**
 * Header block: who is signed in, their role, and a sign-out form (a plain POST, so it works
 * without JavaScript). Colours inherit from the header (made for the dark stone-900 bar).
 * Renders a sign-in link when nobody is.
 */
export async function UserMenu() {
  const actor = await getActor();
  if (!actor) {
    return (
      <a href="/login" className="rounded-md px-2 py-1 text-sm font-medium hover:bg-white/10">
        Sign in
      </a>
    );
  }
  return (
    <div className="flex items-center gap-3 text-sm">
      <div className="text-right leading-tight">
        <p className="font-medium">{actor.name || actor.email}</p>
        <p className="text-xs opacity-70">
          {actor.name ? `${actor.email} · ` : ""}
          {ROLE_LABELS[actor.role]}
        </p>
      </div>
      {can(actor, "tokens.own") && (
        <a href="/settings/tokens" className="rounded-md px-2 py-1 opacity-90 hover:bg-white/10 hover:opacity-100">
          API tokens
        </a>
      )}
      {can(actor, "admin.users") && (
        <a href="/admin/users" className="rounded-md px-2 py-1 opacity-90 hover:bg-white/10 hover:opacity-100">
          Admin
        </a>
      )}
      <form action="/api/auth/logout" method="post">
        <button type="submit" className="rounded-md border border-white/30 px-2 py-1 hover:bg-white/10">
          Sign out
        </button>
      </form>
    </div>
  );
}
