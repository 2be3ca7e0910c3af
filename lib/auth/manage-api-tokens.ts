import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Actor } from "@/lib/auth/actor";
import { hashSecret, newSecret } from "@/lib/auth/hash-secret";
import { ZTokenScope } from "@/lib/auth/token-scopes";

export const ZCreateApiTokenSchema = z.object({
  name: z.string({ error: "is required" }).trim().min(1, "is required, e.g. \"ci-deploy\"").max(100, "must be at most 100 characters"),
  scopes: z.array(ZTokenScope).min(1, "choose at least one scope").transform((s) => [...new Set(s)]),
  /** Whose role the token acts with; defaults to the admin creating it. */
  userId: z.string().uuid("must be a user id").optional(),
});
export type TCreateApiToken = z.input<typeof ZCreateApiTokenSchema>;

/** A token as listed: never its secret or hash. */
export type ApiTokenSummary = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  userId: string;
  userEmail: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/**
 * Creates `cairn_<43 base64url chars>`; stores its SHA-256 and a visible prefix. The secret is in
 * the return value only — it is shown once and cannot be recovered.
 */
export async function createApiToken(db: PrismaClient, actor: Actor, input: unknown): Promise<{ token: string; summary: ApiTokenSummary }> {
  const data = ZCreateApiTokenSchema.parse(input);
  const token = `cairn_${newSecret()}`;
  const ownerId = data.userId ?? actor.userId;
  const row = await db.$transaction(async (tx) => {
    const owner = await tx.user.findUnique({ where: { id: ownerId } });
    if (!owner) throw new AppError("not-found", `user ${ownerId} not found`, "The token's owner was not found. Reload the page and choose an existing user.");
    if (owner.disabled) throw new AppError("conflict", "owner disabled", `${owner.email} is disabled; enable the account before giving it a token.`);
    const created = await tx.apiToken.create({
      data: { name: data.name, prefix: token.slice(0, 12), tokenHash: hashSecret(token), userId: owner.id, scopes: data.scopes },
      include: { user: true },
    });
    await recordAudit(tx, { actor, action: "token.create", outcome: "ok", details: { tokenId: created.id, name: created.name, prefix: created.prefix, owner: owner.email, scopes: data.scopes } });
    return created;
  });
  return { token, summary: toSummary(row) };
}

/** Revokes a token; the next request with it is refused. Revoking twice is a no-op. */
export async function revokeApiToken(db: PrismaClient, actor: Actor, tokenId: string): Promise<ApiTokenSummary> {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId }, include: { user: true } });
    if (!row) throw new AppError("not-found", `token ${tokenId} not found`, "That API token was not found. Reload the page.");
    if (row.revokedAt) return toSummary(row);
    const updated = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, include: { user: true } });
    await recordAudit(tx, { actor, action: "token.revoke", outcome: "ok", details: { tokenId, name: row.name, prefix: row.prefix, owner: row.user.email } });
    return toSummary(updated);
  });
}

export async function listApiTokens(db: PrismaClient): Promise<ApiTokenSummary[]> {
  const rows = await db.apiToken.findMany({ include: { user: true }, orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] });
  return rows.map(toSummary);
}

function toSummary(r: { id: string; name: string; prefix: string; scopes: unknown; userId: string; user: { email: string }; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiTokenSummary {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: Array.isArray(r.scopes) ? r.scopes.filter((s): s is string => typeof s === "string") : [],
    userId: r.userId,
    userEmail: r.user.email,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}
