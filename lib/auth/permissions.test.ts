import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, refusalOf } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/actor";

const user = (role: Actor["role"]): Actor => ({ kind: "user", userId: "u", email: "u@example.com", name: "", role });
const token = (role: Actor["role"], scopes: string[]): Actor => ({ ...user(role), kind: "token", tokenId: "t", scopes });

describe("the permission table", () => {
  it("gives people their role's actions, admin everything", () => {
    expect(can(user("viewer"), "status.read")).toBe(true);
    expect(can(user("viewer"), "admin.users")).toBe(false);
    expect(can(user("qa"), "signoffs.write")).toBe(true);
    expect(can(user("qa"), "runs.request")).toBe(false);
    expect(can(user("release_manager"), "runs.approve")).toBe(true);
    for (const action of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can(user("admin"), action), action).toBe(true);
    expect(can(null, "status.read")).toBe(false);
  });

  it("limits a token to its scopes and refuses it on people-only actions, whatever its owner's role", () => {
    const admins = token("admin", ["status:read", "runs:request", "runs:approve", "signoffs:write"]);
    expect(can(admins, "runs.request")).toBe(true);
    expect(refusalOf(admins, "admin.users")?.reason).toBe("token-not-allowed");
    expect(refusalOf(admins, "admin.tokens")?.reason).toBe("token-not-allowed");
    expect(refusalOf(admins, "tokens.own")?.reason).toBe("token-not-allowed");
    expect(refusalOf(token("admin", ["signoffs:write"]), "status.read")?.reason).toBe("scope");
    expect(refusalOf(token("viewer", ["runs:request"]), "runs.request")?.reason).toBe("role");
  });
});
