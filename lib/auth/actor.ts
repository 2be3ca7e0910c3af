import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

/** Everything that may act in Cairn: a signed-in user, or an API token acting as its owner within its scopes. */
export type Actor = {
  kind: "user" | "token";
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** Set for token actors. */
  tokenId?: string;
  /** Set for token actors: what the token may do (see TOKEN_SCOPES). */
  scopes?: string[];
};

export const ROLES = ["viewer", "qa", "release_manager", "admin"] as const satisfies readonly Role[];

/** Human labels for roles, for the UI. */
export const ROLE_LABELS: Record<Role, string> = {
  viewer: "Viewer",
  qa: "QA",
  release_manager: "Release manager",
  admin: "Admin",
};

/**
 * Does this actor hold one of `roles`?
 *
 * Decision: admin is a superset — an admin passes every role list. Admins manage projects,
 * environments and users, so they could grant themselves any role anyway; refusing them would
 * only add a step, not a protection. Per-environment approver lists are the exception and are
 * checked by canApprove, which an admin does not bypass.
 * `"any"` admits every signed-in actor.
 */
export function hasRole(actor: Pick<Actor, "role">, roles: readonly Role[] | "any"): boolean {
  if (roles === "any") return true;
  return actor.role === "admin" || roles.includes(actor.role);
}
