import { describe, expect, it } from "vitest";
import { canApprove } from "@/lib/auth/can-approve";
import { hasRole, type Actor } from "@/lib/auth/actor";

const actor = (role: Actor["role"], email = "rm@example.com", extra: Partial<Actor> = {}): Actor => ({ kind: "user", userId: "u", email, name: "", role, ...extra });

describe("canApprove", () => {
  it("lets release managers and admins approve when the environment has no approver list", () => {
    expect(canApprove(actor("release_manager"), { approvers: [] })).toBe(true);
    expect(canApprove(actor("admin"), { approvers: [] })).toBe(true);
    expect(canApprove(actor("qa"), { approvers: [] })).toBe(false);
    expect(canApprove(actor("viewer"), { approvers: ["rm@example.com"] })).toBe(false);
  });

  it("restricts approval to the listed e-mails (case-insensitive), admins included", () => {
    const env = { approvers: ["RM@example.com", "lead@example.com"] };
    expect(canApprove(actor("release_manager"), env)).toBe(true);
    expect(canApprove(actor("release_manager", "other@example.com"), env)).toBe(false);
    expect(canApprove(actor("admin", "root@example.com"), env)).toBe(false);
  });

  it("needs the runs:approve scope for a token", () => {
    expect(canApprove(actor("release_manager", "rm@example.com", { kind: "token", scopes: ["runs:request"] }), { approvers: [] })).toBe(false);
    expect(canApprove(actor("release_manager", "rm@example.com", { kind: "token", scopes: ["runs:approve"] }), { approvers: [] })).toBe(true);
  });
});

describe("hasRole", () => {
  it("admits listed roles, admin everywhere, anyone for 'any'", () => {
    expect(hasRole({ role: "qa" }, ["qa", "release_manager"])).toBe(true);
    expect(hasRole({ role: "viewer" }, ["qa"])).toBe(false);
    expect(hasRole({ role: "admin" }, ["qa"])).toBe(true);
    expect(hasRole({ role: "viewer" }, "any")).toBe(true);
  });
});
