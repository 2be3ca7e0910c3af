// GET /api/auth/oidc/start?next=/path — redirect to the identity provider (authorization code + PKCE).
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/api/error-response";
import { oidcSettings, startOidcSignIn } from "@/lib/auth/oidc";
import { OIDC_FLOW_COOKIE, OIDC_FLOW_MAX_AGE_S } from "@/lib/auth/oidc-flow-cookie";
import { cookieAttributes, serializeCookie } from "@/lib/auth/session-cookie";
import { isSecureRequest, publicOrigin } from "@/lib/auth/request-info";

export async function GET(req: Request): Promise<Response> {
  try {
    const settings = oidcSettings();
    if (!settings) throw new AppError("not-found", "OIDC not configured", "Single sign-on is not configured. Sign in with your e-mail and password.");
    const next = new URL(req.url).searchParams.get("next");
    const { url, cookie } = await startOidcSignIn(settings, `${publicOrigin(req)}/api/auth/oidc/callback`, next);
    const res = new Response(null, { status: 302, headers: { location: url.href, "cache-control": "no-store" } });
    res.headers.append("set-cookie", serializeCookie(OIDC_FLOW_COOKIE, cookie, { ...cookieAttributes(isSecureRequest(req)), maxAge: OIDC_FLOW_MAX_AGE_S }));
    return res;
  } catch (e) {
    return errorResponse(e);
  }
}
