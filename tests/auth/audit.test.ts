import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase } from "@/tests/support/databases";
import { openStore, type Store } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { errorResponse } from "@/lib/api/error-response";
import { createUser } from "@/lib/auth/create-user";
import { adminCreateUser, updateUser } from "@/lib/auth/manage-users";
import { createApiToken } from "@/lib/auth/manage-api-tokens";
import type { Actor } from "@/lib/auth/actor";

let store: Store;
let drop: () => Promise<void>;
let admin: Actor;

beforeAll(async () => {
  const t = await createTestDatabase("cairn_auth_audit");
  drop = t.drop;
  store = await openStore({ databaseUrl: t.url });
  const u = await createUser(store.db, { email: "admin@example.com", password: "a long admin password", role: "admin" });
  admin = { kind: "user", userId: u.id, email: u.email, name: u.name, role: u.role };
});
afterAll(async () => {
  await store?.close();
  await drop?.();
});

describe("recordAudit", () => {
  it("writes who, what and where; a token actor is noted in details", async () => {
    await recordAudit(store.db, { actor: { ...admin, kind: "token", tokenId: "tok-1", scopes: [] }, action: "run.request", environment: "prod", toRevision: "abc", outcome: "ok", details: { note: "n" } });
    const row = await store.db.auditEvent.findFirstOrThrow({ where: { action: "run.request" } });
    expect(row).toMatchObject({ actorId: admin.userId, actor: "admin@example.com", environment: "prod", toRevision: "abc", outcome: "ok", details: { note: "n", viaToken: "tok-1" } });
    await recordAudit(store.db, { actor: { label: "cairn" }, action: "system.start" });
    expect(await store.db.auditEvent.findFirstOrThrow({ where: { action: "system.start" } })).toMatchObject({ actorId: null, actor: "cairn" });
  });

  it("rolls back with the change it records", async () => {
    await expect(
      store.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: admin.userId }, data: { name: "Changed" } });
        await recordAudit(tx, { actor: admin, action: "user.update.rolled-back" });
        throw new Error("the change failed after its audit row was written");
      }),
    ).rejects.toThrow(/change failed/);
    expect(await store.db.auditEvent.count({ where: { action: "user.update.rolled-back" } })).toBe(0);
    expect((await store.db.user.findUniqueOrThrow({ where: { id: admin.userId } })).name).toBe("");
  });

  it("a refused change leaves no audit row: demoting the last admin, duplicate e-mail, unknown token owner", async () => {
    const before = await store.db.auditEvent.count();
    await expect(updateUser(store.db, admin, admin.userId, { role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(updateUser(store.db, admin, admin.userId, { disabled: true })).rejects.toMatchObject({ code: "conflict" });
    await expect(adminCreateUser(store.db, admin, { email: "admin@example.com", name: "", password: "another long password", role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(createApiToken(store.db, admin, { name: "x", scopes: ["status:read"], userId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await store.db.auditEvent.count()).toBe(before);
    expect((await store.db.user.findUniqueOrThrow({ where: { id: admin.userId } })).role).toBe("admin");
  });

  it("once a second admin exists, the first may step down, and both changes are audited with their diff", async () => {
    const second = await adminCreateUser(store.db, admin, { email: "second@example.com", name: "", password: "another long password", role: "admin" });
    await updateUser(store.db, admin, admin.userId, { role: "release_manager" });
    const row = await store.db.auditEvent.findFirstOrThrow({ where: { action: "user.update", actorId: admin.userId }, orderBy: { id: "desc" } });
    expect(row.details).toMatchObject({ userId: admin.userId, changes: { role: { from: "admin", to: "release_manager" } } });
    expect(await store.db.auditEvent.count({ where: { action: "user.create", details: { path: ["userId"], equals: second.id } } })).toBe(1);
  });
});

describe("errorResponse", () => {
  it("maps zod, AppError, a missing Prisma record and anything else", async () => {
    const zodErr = z.object({ name: z.string() }).safeParse({}).error!;
    const r1 = errorResponse(zodErr);
    expect(r1.status).toBe(422);
    expect((await r1.json()).error.issues[0].path).toBe("name");

    const r2 = errorResponse(new AppError("gate-refused", "internal detail", "QA has not signed off revision abc on staging."));
    expect(r2.status).toBe(409);
    expect(await r2.json()).toEqual({ error: { code: "gate-refused", message: "QA has not signed off revision abc on staging." } });

    const missing = await store.db.user.update({ where: { id: "00000000-0000-4000-8000-000000000000" }, data: { name: "x" } }).catch((e: unknown) => e);
    const r3 = errorResponse(missing);
    expect(r3.status).toBe(404);
    expect((await r3.json()).error.code).toBe("not-found");

    const orig = console.error;
    console.error = () => {};
    try {
      const r4 = errorResponse(new TypeError("connect ECONNREFUSED postgres://u:pw@host"));
      expect(r4.status).toBe(500);
      expect(await r4.text()).not.toMatch(/pw@|ECONNREFUSED/);
    } finally {
      console.error = orig;
    }
  });
});
