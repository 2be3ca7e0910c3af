import type { Actor } from "@/lib/auth/actor";

/**
 * May this actor approve (or reject) runs on this environment?
 * Release managers and admins may; when the environment has an approver list, only the people
 * on it may — an admin not on the list included (an admin can edit the list, which is audited).
 * An API token additionally needs the `runs:approve` scope. Pure.
 */
export function canApprove(actor: Actor, environment: { approvers: unknown }): boolean {
  if (actor.role !== "release_manager" && actor.role !== "admin") return false;
  if (actor.kind === "token" && !actor.scopes?.includes("runs:approve")) return false;
  const list = Array.isArray(environment.approvers)
    ? environment.approvers.filter((a): a is string => typeof a === "string").map((a) => a.trim().toLowerCase())
    : [];
  if (list.length === 0) return true;
  return list.includes(actor.email.trim().toLowerCase());
}
