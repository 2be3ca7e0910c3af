// POST /api/auth/login — password sign-in for scripts and tests (JSON { email, password }); sets the session cookie.
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorResponse } from "@/lib/api/error-response";
import { readJsonBody, SIGN_IN_BODY_LIMIT } from "@/lib/api/read-json-body";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { cookieAttributes, serializeCookie, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { clientAddressOf, isSecureRequest } from "@/lib/auth/request-info";
import { signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";

export async function POST(req: Request): Promise<Response> {
  try {
    const h = originHeadersOf(req.headers);
    // A browser page on another site must not sign a visitor into an account of its choosing.
    if ((h.origin || h.secFetchSite === "cross-site") && !isSameOriginRequest(h, req.url, serverEnv().CAIRN_PUBLIC_URL)) {
      throw new AppError("forbidden", "cross-origin sign-in", "This sign-in came from another site and was refused. Sign in on Cairn's own page.");
    }
    const body = await readJsonBody(req, SIGN_IN_BODY_LIMIT);
    const { email, password } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const db = await getDb();
    await ensureBootstrapAdmin(db);
    const { user, token, expiresAt } = await signInWithPassword(db, { email, password, clientAddress: clientAddressOf(req.headers) });
    const res = Response.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role } }, { headers: { "cache-control": "no-store" } });
    res.headers.append("set-cookie", serializeCookie(SESSION_COOKIE, token, cookieAttributes(isSecureRequest(req), expiresAt)));
    return res;
  } catch (e) {
    return errorResponse(e);
  }
}
