import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";

/**
 * May this actor approve (or reject) runs on this environment?
 * Whoever the permission table lets do `runs.approve` (release managers and admins; a token also
 * needs the `runs:approve` scope) may; when the environment has an approver list, only the people
 * on it may — an admin not on the list included (an admin can edit the list, which is audited).
 * Pure.
 */
export function canApprove(actor: Actor, environment: { approvers: readonly string[] }): boolean {
  if (!can(actor, "runs.approve")) return false;
  const list = environment.approvers.map((a) => a.trim().toLowerCase());
  if (list.length === 0) return true;
  return list.includes(actor.email.trim().toLowerCase());
}
