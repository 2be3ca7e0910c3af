import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Actor } from "@/lib/auth/actor";
import { hashSecret, newSecret } from "@/lib/auth/hash-secret";
import { ZTokenScope } from "@/lib/auth/token-scopes";

export const ZCreateApiTokenSchema = z.object({
  name: z.string({ error: "is required" }).trim().min(1, 'is required, e.g. "ci-deploy"').max(100, "must be at most 100 characters"),
  scopes: z
    .array(ZTokenScope)
    .min(1, "choose at least one scope")
    .transform((s) => [...new Set(s)]),
  /**
   * Accepted only as the creator's own id: a token always acts as the person who creates it.
   * Anything else is refused rather than ignored, so a script written for the old admin API
   * learns why instead of silently getting a token of its own.
   */
  userId: z.string().optional(),
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
 * Creates `cairn_<43 base64url chars>` for the person creating it; stores its SHA-256 and a
 * visible prefix. The secret is in the return value only — it is shown once and cannot be recovered.
 *
 * A token acts as its creator and nobody else: an admin minting a `runs:request` token as one
 * person and a `runs:approve` token as another would pass the two-person rule alone (issue 18).
 * A token cannot create tokens either (people only, see the permission table's `tokens.own`).
 */
export async function createApiToken(db: PrismaClient, actor: Actor, data: z.output<typeof ZCreateApiTokenSchema>): Promise<{ token: string; summary: ApiTokenSummary }> {
  if (actor.kind !== "user") throw new AppError("forbidden", "token tried to create a token", "An API token cannot create API tokens. Sign in to Cairn and create it under Settings → API tokens.");
  if (data.userId !== undefined && data.userId !== actor.userId) {
    throw new AppError(
      "forbidden",
      `${actor.email} tried to create a token for user ${data.userId}`,
      "A token acts as the person who creates it, so nobody — an admin included — can create one for someone else. Ask that person to sign in and create their own under Settings → API tokens.",
    );
  }
  const token = `cairn_${newSecret()}`;
  const row = await db.$transaction(async (tx) => {
    const owner = await tx.user.findUnique({ where: { id: actor.userId } });
    if (!owner) throw new AppError("not-found", `user ${actor.userId} not found`, "Your account was not found. Sign in again.");
    if (owner.disabled) throw new AppError("forbidden", "owner disabled", "Your account is disabled; ask an admin to enable it.");
    const created = await tx.apiToken.create({
      data: { name: data.name, prefix: token.slice(0, 12), tokenHash: hashSecret(token), userId: owner.id, scopes: data.scopes },
      include: { user: true },
    });
    await recordAudit(tx, { actor, action: "token.create", outcome: "ok", details: { tokenId: created.id, name: created.name, prefix: created.prefix, owner: owner.email, scopes: data.scopes } });
    return created;
  });
  return { token, summary: toSummary(row) };
}

/**
 * Revokes a token; the next request with it is refused. Revoking twice is a no-op.
 * `ownerId` limits it to that person's tokens (the self-service route): someone else's token is
 * "not found", so its existence is not revealed. Admins revoke any token without it.
 */
export async function revokeApiToken(db: PrismaClient, actor: Actor, tokenId: string, opts: { ownerId?: string } = {}): Promise<ApiTokenSummary> {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId }, include: { user: true } });
    if (!row || (opts.ownerId !== undefined && row.userId !== opts.ownerId)) {
      throw new AppError("not-found", `token ${tokenId} not found`, "That API token was not found. Reload the page.");
    }
    if (row.revokedAt) return toSummary(row);
    const updated = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() }, include: { user: true } });
    await recordAudit(tx, { actor, action: "token.revoke", outcome: "ok", details: { tokenId, name: row.name, prefix: row.prefix, owner: row.user.email } });
    return toSummary(updated);
  });
}

/** Every token (admin), or one person's (`ownerId`), live ones first. Never a secret or hash. */
export async function listApiTokens(db: PrismaClient, opts: { ownerId?: string } = {}): Promise<ApiTokenSummary[]> {
  const rows = await db.apiToken.findMany({
    where: opts.ownerId !== undefined ? { userId: opts.ownerId } : undefined,
    include: { user: true },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
  });
  return rows.map(toSummary);
}

function toSummary(r: { id: string; name: string; prefix: string; scopes: string[]; userId: string; user: { email: string }; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiTokenSummary {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    userId: r.userId,
    userEmail: r.user.email,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Revokes live tokens that someone created for another person before tokens were owner-only
 * (issue 18): such a token still acts as a person who did not create it, which is how one admin
 * passed the two-person rule. They are found by their `token.create` audit row, whose actor is
 * not the owner. Idempotent and audited; meant to run at start-up. Returns how many it revoked.
 */
export async function revokeTokensCreatedForOthers(db: PrismaClient, now: Date = new Date()): Promise<number> {
  const live = await db.apiToken.findMany({ where: { revokedAt: null }, include: { user: true } });
  if (live.length === 0) return 0;
  const created = await db.auditEvent.findMany({ where: { action: "token.create" }, select: { actorId: true, details: true } });
  const creatorOf = new Map<string, string | null>();
  for (const c of created) {
    const tokenId = (c.details as { tokenId?: unknown } | null)?.tokenId;
    if (typeof tokenId === "string") creatorOf.set(tokenId, c.actorId);
  }
  const stray = live.filter((t) => {
    const creator = creatorOf.get(t.id);
    return typeof creator === "string" && creator !== t.userId;
  });
  for (const t of stray) {
    await db.$transaction(async (tx) => {
      await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: now } });
      await recordAudit(tx, {
        actor: { label: "system" },
        action: "token.revoke",
        outcome: "ok",
        details: { tokenId: t.id, name: t.name, prefix: t.prefix, owner: t.user.email, reason: "created by another user; a token acts only as the person who created it" },
      });
    });
  }
  return stray.length;
}
