import "server-only";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorResponse } from "@/lib/api/error-response";
import { ROLE_LABELS, type Actor } from "@/lib/auth/actor";
import { authenticateRequest } from "@/lib/auth/authenticate-request";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { refusalOf, type Action, type Permission } from "@/lib/auth/permissions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every route handler's guard. Resolves the actor from the session cookie or an API token
 * (read from the Request itself, so handlers are testable outside Next), then refuses:
 * - nobody signed in → 401;
 * - a cookie-authenticated POST/PUT/PATCH/DELETE from another origin → 403;
 * - a token the action does not admit → 403: the permission table names the scope it needs, or
 *   none when only people may do it;
 * - a role the action does not admit → 403 (admin passes every list).
 * `withRole("runs.request", handler)` takes both rules from lib/auth/permissions — the same table
 * pages ask, so a page never shows what the API would refuse.
 * Errors thrown by the handler go through errorResponse. The store comes from getDb(): tests
 * point it at their database by setting DATABASE_URL before the first request.
 */
export function withRole<P = Record<string, string>>(
  action: Action,
  handler: (req: Request, ctx: { params: Promise<P>; actor: Actor }) => Promise<Response>,
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const actor = await authenticateRequest(await getDb(), req.headers);
      if (!actor) throw new AppError("unauthenticated", "no valid session or API token", "You are not signed in, or your session has ended. Sign in (or send a valid API token) and try again.");
      assertAllowed(actor, req, action);
      return await handler(req, { params: ctx?.params ?? Promise.resolve({} as P), actor });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

const TOKEN_NOT_ALLOWED = "API tokens cannot be used for this action. Sign in to Cairn to do it.";

/** The checks withRole makes once the actor is known; exported for handlers that authenticate differently. */
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
