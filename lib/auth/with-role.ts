import "server-only";
import type { Role } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorResponse } from "@/lib/api/error-response";
import { hasRole, ROLE_LABELS, type Actor } from "@/lib/auth/actor";
import { authenticateRequest } from "@/lib/auth/authenticate-request";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { DEFAULT_READ_SCOPE } from "@/lib/auth/token-scopes";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every route handler's guard. Resolves the actor from the session cookie or an API token
 * (read from the Request itself, so handlers are testable outside Next), then refuses:
 * - nobody signed in → 401;
 * - a cookie-authenticated POST/PUT/PATCH/DELETE from another origin → 403;
 * - a token without the scope the route needs → 403. `options.scope` names it; a read route that
 *   names none needs `status:read`; a mutating route that names none refuses every token;
 * - a role not in `roles` → 403 (admin passes every list; `"any"` admits every signed-in actor).
 * Errors thrown by the handler go through errorResponse. The store comes from getDb(): tests
 * point it at their database by setting DATABASE_URL before the first request.
 */
export function withRole<P = Record<string, string>>(
  roles: Role[] | "any",
  handler: (req: Request, ctx: { params: Promise<P>; actor: Actor }) => Promise<Response>,
  options?: { scope?: string },
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const actor = await authenticateRequest(await getDb(), req.headers);
      if (!actor) throw new AppError("unauthenticated", "no valid session or API token", "You are not signed in, or your session has ended. Sign in (or send a valid API token) and try again.");
      assertAllowed(actor, req, roles, options?.scope);
      return await handler(req, { params: ctx?.params ?? Promise.resolve({} as P), actor });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** The checks withRole makes once the actor is known; exported for handlers that authenticate differently. */
export function assertAllowed(actor: Actor, req: Request, roles: Role[] | "any", scope: string | undefined): void {
  const mutating = !SAFE_METHODS.has(req.method.toUpperCase());
  if (actor.kind === "user" && mutating && !isSameOriginRequest(originHeadersOf(req.headers), req.url, serverEnv().CAIRN_PUBLIC_URL)) {
    throw new AppError("forbidden", `cross-origin ${req.method} refused`, "This request came from another site and was refused. Use Cairn's own pages, or an API token for automation.");
  }
  if (actor.kind === "token") {
    const needed = scope ?? (mutating ? undefined : DEFAULT_READ_SCOPE);
    if (!needed) throw new AppError("forbidden", "token used on a route without a token scope", "API tokens cannot be used for this action. Sign in to Cairn to do it.");
    if (!actor.scopes?.includes(needed)) throw new AppError("forbidden", `token lacks scope ${needed}`, `This API token lacks the "${needed}" scope. Ask an admin for a token with that scope.`);
  }
  if (!hasRole(actor, roles)) {
    const need = roles === "any" ? "" : roles.map((r) => ROLE_LABELS[r]).join(" or ");
    throw new AppError("forbidden", `role ${actor.role} not in ${String(roles)}`, `Your role (${ROLE_LABELS[actor.role]}) may not do this; it needs ${need}. Ask an admin if you should have access.`);
  }
}
