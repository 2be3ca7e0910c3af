import "server-only";
import { AppError } from "@/lib/errors";
import { serverEnv } from "@/lib/config/server-env";
import { ROLE_LABELS, type Actor } from "@/lib/auth/actor";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { refusalOf, type Action, type Permission } from "@/lib/auth/permissions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const TOKEN_NOT_ALLOWED = "API tokens cannot be used for this action. Sign in to Cairn to do it.";

/**
 * What route() (lib/api/route.ts) asks of every request once the actor is known, before the body
 * is read: a cookie-authenticated POST/PUT/PATCH/DELETE from another origin → 403; a token the
 * action does not admit → 403 naming the scope it needs (or that only people may do it); a role
 * the action does not admit → 403 (admin passes every list). One permission table for routes and
 * pages (lib/auth/permissions.ts), so a page never shows what the API would refuse.
 */
export function assertAllowed(actor: Actor, req: Request, action: Action): void {
  const mutating = !SAFE_METHODS.has(req.method.toUpperCase());
  if (actor.kind === "user" && mutating && !isSameOriginRequest(originHeadersOf(req.headers), req.url, serverEnv().CAIRN_PUBLIC_URL)) {
    throw new AppError("forbidden", `cross-origin ${req.method} refused`, "This request came from another site and was refused. Use Cairn's own pages, or an API token for automation.");
  }
  const refusal = refusalOf(actor, action);
  if (!refusal) return;
  const { permission } = refusal;
  if (refusal.reason === "token-not-allowed") throw new AppError("forbidden", `token used for ${action}`, TOKEN_NOT_ALLOWED);
  if (refusal.reason === "scope") throw new AppError("forbidden", `token lacks scope ${permission.scope}`, scopeMessage(permission.scope!));
  throw roleRefusal(actor, permission);
}

function scopeMessage(scope: string): string {
  return `This API token lacks the "${scope}" scope. Create a token with that scope under Settings → API tokens.`;
}

function roleRefusal(actor: Actor, { roles, what }: Permission): AppError {
  // Admin passes every list, so it is named as an alternative.
  const need = roles === "any" ? "" : [...new Set([...roles, "admin" as const])].map((r) => ROLE_LABELS[r]).join(" or ");
  return new AppError("forbidden", `role ${actor.role} not in ${String(roles)}`, `Your role (${ROLE_LABELS[actor.role]}) may not do this; it needs ${need} (to ${what}). Ask an admin if you should have access.`);
}
