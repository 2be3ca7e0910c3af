/** Name of the session cookie. Its value is a random secret; the store keeps only its SHA-256. */
export const SESSION_COOKIE = "cairn_session";

/** Sessions end after this long without a request… */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** …and in any case this long after sign-in. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;

/** Reads one cookie from a Cookie header. */
export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

export type CookieAttributes = { httpOnly: true; sameSite: "lax"; secure: boolean; path: string; expires?: Date; maxAge?: number };

/** Attributes for a cookie Cairn sets: http-only, SameSite=Lax, Secure when served over https. */
export function cookieAttributes(secure: boolean, expires?: Date): CookieAttributes {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", ...(expires ? { expires } : {}) };
}

/** Serialises a Set-Cookie header value. */
export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${attrs.path}`, "HttpOnly", "SameSite=Lax"];
  if (attrs.secure) parts.push("Secure");
  if (attrs.expires) parts.push(`Expires=${attrs.expires.toUTCString()}`);
  if (attrs.maxAge !== undefined) parts.push(`Max-Age=${attrs.maxAge}`);
  return parts.join("; ");
}

/** A Set-Cookie value that removes the cookie. */
export function clearedCookie(name: string, secure: boolean): string {
  return serializeCookie(name, "", { ...cookieAttributes(secure), maxAge: 0, expires: new Date(0) });
}

/**
 * Is the browser talking to us over https? True when the request URL or a proxy's
 * X-Forwarded-Proto says so, or when CAIRN_PUBLIC_URL is https.
 */
export function isSecureContext(url: string, forwardedProto: string | null, publicUrl: string | undefined): boolean {
  if (publicUrl?.startsWith("https:")) return true;
  if (forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https") return true;
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}
