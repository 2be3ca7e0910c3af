// GET /api/auth/oidc/callback — finish single sign-on: check state/nonce/PKCE, find or create the user, start a session.
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { SsoErrorCode } from "@/lib/auth/sso-errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { finishOidcSignIn, findOrCreateOidcUser, oidcSettings } from "@/lib/auth/oidc";
import { decodeOidcFlow, OIDC_FLOW_COOKIE } from "@/lib/auth/oidc-flow-cookie";
import { clearedCookie, cookieAttributes, readCookie, serializeCookie, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { createSession } from "@/lib/auth/create-session";
import { isSecureRequest, publicOrigin } from "@/lib/auth/request-info";

export async function GET(req: Request): Promise<Response> {
  const origin = publicOrigin(req);
  const secure = isSecureRequest(req);
  const fail = (code: SsoErrorCode) => {
    const res = new Response(null, { status: 303, headers: { location: `${origin}/login?sso_error=${code}` } });
    res.headers.append("set-cookie", clearedCookie(OIDC_FLOW_COOKIE, secure));
    return res;
  };
  try {
    const settings = oidcSettings();
    if (!settings) return fail("not-configured");
    // The callback URL as the IdP sent the browser to it, on our public origin (behind a proxy req.url may differ).
    const incoming = new URL(req.url);
    const callbackUrl = new URL(`${origin}/api/auth/oidc/callback${incoming.search}`);
    if (incoming.searchParams.get("error")) return fail("refused");
    const flow = decodeOidcFlow(readCookie(req.headers.get("cookie"), OIDC_FLOW_COOKIE), incoming.searchParams.get("state"));
    if (!flow) return fail("expired");
    const identity = await finishOidcSignIn(settings, callbackUrl, flow);
    const db = await getDb();
    const user = await findOrCreateOidcUser(db, identity);
    const { token, expiresAt } = await createSession(db, user.id);
    await recordAudit(db, { actor: { label: user.email }, action: "auth.sign-in", outcome: "ok", details: { method: "oidc" } });
    const res = new Response(null, { status: 303, headers: { location: `${origin}${flow.next}` } });
    res.headers.append("set-cookie", clearedCookie(OIDC_FLOW_COOKIE, secure));
    res.headers.append("set-cookie", serializeCookie(SESSION_COOKIE, token, cookieAttributes(secure, expiresAt)));
    return res;
  } catch (e) {
    if (!isAppError(e)) {
      console.error("[cairn] OIDC callback failed:", e);
      return fail("failed");
    }
    if (e.code === "forbidden") return fail("disabled");
    if (e.code === "conflict") return fail("conflict");
    if (e.message.startsWith("no email") || e.message.startsWith("email not verified")) return fail("no-email");
    return fail("failed");
  }
}
