import { listOf } from "@/lib/gates/revision-ancestry";
import type { GateFacts, GateResult } from "@/lib/gates/types";

const LABEL = "Second-person approval";
const APPROVER_ROLES = ["release_manager", "admin"];

/** On a protected environment, someone other than the requester (and on the approver list, if any) approves. */
export function checkTwoPerson(f: GateFacts): GateResult {
  const env = f.environment.name;
  if (!f.environment.protected) {
    return { id: "two-person", label: LABEL, verdict: "pass", reason: `${env} is not protected; no second approval is needed.` };
  }
  const list = f.environment.approvers.map((e) => e.trim().toLowerCase()).filter(Boolean);
  const who = list.length ? listOf(list) : "a release manager or admin";
  const a = f.approver;
  if (!a) {
    return {
      id: "two-person",
      label: LABEL,
      verdict: "needs-input",
      reason: `${env} is protected: a second person must approve this run.`,
      unblock: `${who[0]!.toUpperCase()}${who.slice(1)} other than ${f.requester.email} approves it.`,
      details: { approvers: list },
    };
  }
  if (a.userId === f.requester.userId) {
    return {
      id: "two-person",
      label: LABEL,
      verdict: "block",
      reason: `${a.email} requested this run and cannot also approve it: ${env} needs two people.`,
      unblock: `Ask ${who} other than ${f.requester.email} to approve.`,
    };
  }
  if (!APPROVER_ROLES.includes(a.role)) {
    return {
      id: "two-person",
      label: LABEL,
      verdict: "block",
      reason: `${a.email} is a ${a.role.replace("_", " ")}; only release managers and admins may approve runs.`,
      unblock: `Ask ${who} to approve.`,
    };
  }
  if (list.length && !list.includes(a.email.trim().toLowerCase())) {
    return {
      id: "two-person",
      label: LABEL,
      verdict: "block",
      reason: `${a.email} is not on ${env}'s approver list (${listOf(list)}).`,
      unblock: `Ask one of ${listOf(list)} to approve, or have an admin add ${a.email} to ${env}'s approvers.`,
    };
  }
  return { id: "two-person", label: LABEL, verdict: "pass", reason: `Approved by ${a.email}, who did not request it.` };
}
