import { serverEnv, ZTrustProxy } from "@/lib/config/server-env";
import { isSecureContext } from "@/lib/auth/session-cookie";

/**
 * How many reverse proxies the operator declared (CAIRN_TRUST_PROXY). Read on each call, not
 * from the start-up cache, so it is the value of the running process; a bad value was already
 * refused at start-up by serverEnv and counts as none here.
 */
export function trustedProxyHops(value: string | undefined = process.env.CAIRN_TRUST_PROXY): number {
  if (value === undefined || value === "") return 0;
  const parsed = ZTrustProxy.safeParse(value);
  return parsed.success ? parsed.data : 0;
}

/**
 * The client's address for throttling, or undefined when Cairn cannot know it.
 * Only behind proxies the operator declared: each proxy appends the address it saw to
 * X-Forwarded-For, so with N trusted proxies the client is the N-th entry from the right —
 * anything to its left was written by the client and may be forged. Without CAIRN_TRUST_PROXY
 * the header is the client's own words and is ignored (rotating it must not buy more guesses).
 */
export function clientAddressOf(headers: Headers, hops: number = trustedProxyHops()): string | undefined {
  if (hops <= 0) return undefined;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const addr = chain.length >= hops ? chain[chain.length - hops] : chain.length ? chain[0] : headers.get("x-real-ip")?.trim();
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
