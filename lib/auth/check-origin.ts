/** The request headers the same-origin check looks at. */
export type OriginHeaders = {
  origin: string | null;
  secFetchSite: string | null;
  host: string | null;
  forwardedHost: string | null;
};

/**
 * Is a state-changing, cookie-authenticated request coming from Cairn's own pages?
 *
 * The Origin header must name this host (as the browser reached it: X-Forwarded-Host, else Host,
 * else the request URL) or CAIRN_PUBLIC_URL. Without an Origin, `Sec-Fetch-Site: same-origin`
 * suffices. With neither we refuse: every current browser sends one of them on a POST, so a
 * request with neither is not a form of ours. SameSite=Lax already stops most cross-site posts;
 * this also stops same-site siblings (other apps on a subdomain).
 */
export function isSameOriginRequest(h: OriginHeaders, requestUrl: string, publicUrl: string | undefined): boolean {
  if (h.origin && h.origin !== "null") {
    let origin: URL;
    try {
      origin = new URL(h.origin);
    } catch {
      return false;
    }
    if (publicUrl) {
      try {
        if (new URL(publicUrl).origin === origin.origin) return true;
      } catch {
        // CAIRN_PUBLIC_URL is validated at start-up; an unparsable one simply does not match.
      }
    }
    const expectedHost = firstValue(h.forwardedHost) ?? firstValue(h.host) ?? safeHost(requestUrl);
    return !!expectedHost && origin.host.toLowerCase() === expectedHost.toLowerCase();
  }
  if (h.origin === "null") return false;
  return h.secFetchSite === "same-origin";
}

function firstValue(v: string | null): string | undefined {
  const first = v?.split(",")[0]?.trim();
  return first || undefined;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Pulls the headers isSameOriginRequest needs from a Headers object. */
export function originHeadersOf(headers: Headers): OriginHeaders {
  return {
    origin: headers.get("origin"),
    secFetchSite: headers.get("sec-fetch-site"),
    host: headers.get("host"),
    forwardedHost: headers.get("x-forwarded-host"),
  };
}

/**
 * Where to go after sign-in: only a same-origin relative path ("/projects/x?y"), never
 * "//evil.example", "/\\evil.example" or an absolute URL. Anything else becomes "/".
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || typeof next !== "string" || next.length > 2000) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\\]/.test(next)) return "/";
  try {
    const u = new URL(next, "http://cairn.invalid");
    if (u.origin !== "http://cairn.invalid") return "/";
    return u.pathname + u.search + u.hash;
  } catch {
    return "/";
  }
}
