// POST /api/auth/logout — end the session (sign-out form in the header, or JSON); clears the cookie.
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { serverEnv } from "@/lib/config/server-env";
import { errorResponse } from "@/lib/api/error-response";
import { isSameOriginRequest, originHeadersOf } from "@/lib/auth/check-origin";
import { clearedCookie, readCookie, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { deleteSession } from "@/lib/auth/create-session";
import { isSecureRequest, publicOrigin } from "@/lib/auth/request-info";

export async function POST(req: Request): Promise<Response> {
  try {
    // Another site must not be able to sign people out either.
    if (!isSameOriginRequest(originHeadersOf(req.headers), req.url, serverEnv().CAIRN_PUBLIC_URL)) {
      throw new AppError("forbidden", "cross-origin sign-out", "This sign-out came from another site and was refused.");
    }
    const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
    if (token) await deleteSession(await getDb(), token);
    const wantsJson = (req.headers.get("accept") ?? "").includes("application/json");
    const res = wantsJson ? Response.json({ ok: true }, { headers: { "cache-control": "no-store" } }) : new Response(null, { status: 303, headers: { location: `${publicOrigin(req)}/login` } });
    res.headers.append("set-cookie", clearedCookie(SESSION_COOKIE, isSecureRequest(req)));
    return res;
  } catch (e) {
    return errorResponse(e);
  }
}
