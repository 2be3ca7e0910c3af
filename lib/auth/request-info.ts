import { serverEnv } from "@/lib/config/server-env";
import { isSecureContext } from "@/lib/auth/session-cookie";

/**
 * The client's address for throttling: the first X-Forwarded-For hop, else X-Real-IP.
 * A client can forge these when Cairn is not behind a proxy, which is why the per-e-mail
 * throttle, not this one, is the real protection of an account.
 */
export function clientAddressOf(headers: Headers): string | undefined {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const addr = forwarded || headers.get("x-real-ip")?.trim();
  return addr ? addr.slice(0, 64) : undefined;
}

/** Should cookies set in response to this request carry Secure? */
export function isSecureRequest(req: Request): boolean {
  return isSecureContext(req.url, req.headers.get("x-forwarded-proto"), serverEnv().CAIRN_PUBLIC_URL);
}

/** Cairn's external origin: CAIRN_PUBLIC_URL when set, else as this request reached us. */
export function publicOrigin(req: Request): string {
  const configured = serverEnv().CAIRN_PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || new URL(req.url).protocol.replace(":", "");
  return host ? `${proto}://${host}` : new URL(req.url).origin;
}
