import "server-only";
import * as client from "openid-client";
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { serverEnv, type TServerEnv } from "@/lib/config/server-env";
import { recordAudit } from "@/lib/audit/record-audit";
import { encodeOidcFlow, type OidcFlow } from "@/lib/auth/oidc-flow-cookie";
import { safeNextPath } from "@/lib/auth/check-origin";

export type OidcSettings = { issuer: string; clientId: string; clientSecret: string };

/** OIDC settings when all three variables are set, else null (password sign-in only). */
export function oidcSettings(env: TServerEnv = serverEnv()): OidcSettings | null {
  const { CAIRN_OIDC_ISSUER: issuer, CAIRN_OIDC_CLIENT_ID: clientId, CAIRN_OIDC_CLIENT_SECRET: clientSecret } = env;
  return issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : null;
}

let discovered: { key: string; config: Promise<client.Configuration> } | undefined;

/** Discovers the issuer once per process (retrying after a failure). */
function oidcConfiguration(s: OidcSettings): Promise<client.Configuration> {
  const key = `${s.issuer}|${s.clientId}`;
  if (!discovered || discovered.key !== key) {
    const config = client.discovery(new URL(s.issuer), s.clientId, s.clientSecret);
    discovered = { key, config };
    config.catch(() => {
      if (discovered?.config === config) discovered = undefined;
    });
  }
  return discovered.config.catch((e: unknown) => {
    console.error("[cairn] OIDC discovery failed:", e);
    throw new AppError("unreachable", "OIDC discovery failed", `Cairn could not reach the identity provider at ${s.issuer}. Check CAIRN_OIDC_ISSUER and the network, then try again.`);
  });
}

/** Starts an authorization-code + PKCE sign-in: the IdP URL to redirect to and the flow cookie to set. */
export async function startOidcSignIn(s: OidcSettings, redirectUri: string, next: string | null): Promise<{ url: URL; cookie: string }> {
  const config = await oidcConfiguration(s);
  const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next: safeNextPath(next) };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url, cookie: encodeOidcFlow(flow) };
}

/** Exchanges the code (checking state, nonce and PKCE) and returns the verified ID-token claims. */
export async function finishOidcSignIn(s: OidcSettings, callbackUrl: URL, flow: OidcFlow): Promise<{ sub: string; email?: string; emailVerified?: boolean; name?: string }> {
  const config = await oidcConfiguration(s);
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (e) {
    console.error("[cairn] OIDC code exchange failed:", e);
    throw new AppError("unauthenticated", "OIDC code exchange failed", "Single sign-on did not complete. Try again; if it keeps failing, ask an admin to check Cairn's log.");
  }
  if (!claims?.sub) throw new AppError("unauthenticated", "no sub claim", "The identity provider did not say who you are. Ask an admin to check the OIDC client settings.");
  return {
    sub: claims.sub,
    email: typeof claims.email === "string" ? claims.email : undefined,
    emailVerified: typeof claims.email_verified === "boolean" ? claims.email_verified : undefined,
    name: typeof claims.name === "string" ? claims.name : undefined,
  };
}

/**
 * The Cairn user for an OIDC identity: by subject first, then by e-mail (only a verified one, and
 * only if that account is not already linked to another subject); otherwise a new viewer.
 */
export async function findOrCreateOidcUser(db: PrismaClient, id: { sub: string; email?: string; emailVerified?: boolean; name?: string }): Promise<User> {
  const user = await db.$transaction(async (tx) => {
    const bySubject = await tx.user.findUnique({ where: { oidcSubject: id.sub } });
    if (bySubject) return bySubject;
    const email = id.email?.trim().toLowerCase();
    if (!email) throw new AppError("unauthenticated", "no email claim", "The identity provider did not share your e-mail address. Ask an admin to allow the email scope.");
    if (id.emailVerified === false) throw new AppError("unauthenticated", "email not verified", `The identity provider has not verified ${email}. Verify it there and try again.`);
    const byEmail = await tx.user.findUnique({ where: { email } });
    if (byEmail) {
      if (byEmail.oidcSubject && byEmail.oidcSubject !== id.sub) {
        throw new AppError("conflict", "email linked to another subject", `${email} is already linked to another single sign-on identity. Ask an admin.`);
      }
      const linked = await tx.user.update({ where: { id: byEmail.id }, data: { oidcSubject: id.sub } });
      await recordAudit(tx, { actor: { label: email }, action: "user.link-oidc", outcome: "ok", details: { userId: linked.id } });
      return linked;
    }
    const created = await tx.user.create({ data: { email, name: id.name ?? "", oidcSubject: id.sub, role: "viewer" } });
    await recordAudit(tx, { actor: { label: email }, action: "user.create", outcome: "ok", details: { userId: created.id, email, role: "viewer", source: "oidc" } });
    return created;
  });
  if (user.disabled) throw new AppError("forbidden", "user disabled", "Your Cairn account is disabled. Ask an admin.");
  return user;
}
