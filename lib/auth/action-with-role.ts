import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { Role } from "@/lib/generated/prisma/enums";
import { serverEnv } from "@/lib/config/server-env";
import { errorMessage } from "@/lib/api/error-response";
import { hasRole, ROLE_LABELS, type Actor } from "@/lib/auth/actor";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { getActor } from "@/lib/auth/get-actor";
import { can, isAction, type Action } from "@/lib/auth/permissions";

/**
 * Guard for server actions: checks the Origin (Next does too; this does not depend on it), that
 * someone is signed in with a session (API tokens do not drive server actions) and that the
 * permission table lets them do `guard` (an action such as "admin.users"; a role list is still
 * accepted; admin passes every list). Expected failures come back as `{ error }` for the form to
 * show; redirect()/notFound() thrown inside `fn` pass through.
 */
export function actionWithRole<I, O>(
  guard: Action | Role[] | "any",
  fn: (actor: Actor, input: I) => Promise<O>,
): (input: I) => Promise<O | { error: string }> {
  return async (input: I) => {
    try {
      const h = await headers();
      const url = `http://${h.get("host") ?? "localhost"}/`;
      if (!isSameOriginRequest(originHeadersOf(h), url, serverEnv().CAIRN_PUBLIC_URL)) {
        return { error: "This request came from another site and was refused. Reload Cairn and try again." };
      }
      const actor = await getActor();
      if (!actor || actor.kind !== "user") return { error: "You are not signed in, or your session has ended. Sign in and try again." };
      if (isAction(guard) ? !can(actor, guard) : !hasRole(actor, guard)) return { error: `Your role (${ROLE_LABELS[actor.role]}) may not do this. Ask an admin if you should have access.` };
      return await fn(actor, input);
    } catch (e) {
      unstable_rethrow(e);
      return { error: errorMessage(e) };
    }
  };
}
