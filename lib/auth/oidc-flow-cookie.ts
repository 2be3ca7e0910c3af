import { z } from "zod";

/** Cookie that carries an OpenID Connect sign-in from /api/auth/oidc/start to its callback. */
export const OIDC_FLOW_COOKIE = "cairn_oidc";
/** How long a user may spend at the identity provider. */
export const OIDC_FLOW_MAX_AGE_S = 10 * 60;

const ZFlow = z.object({
  state: z.string().min(16).max(200),
  nonce: z.string().min(16).max(200),
  verifier: z.string().min(43).max(128),
  next: z.string().max(2000),
  exp: z.number().int(),
});
/** state and nonce bind the callback to this browser; verifier is the PKCE secret; next is where to land. */
export type OidcFlow = z.infer<typeof ZFlow>;

export function encodeOidcFlow(flow: Omit<OidcFlow, "exp">, now: Date = new Date()): string {
  const withExp: OidcFlow = { ...flow, exp: Math.floor(now.getTime() / 1000) + OIDC_FLOW_MAX_AGE_S };
  return Buffer.from(JSON.stringify(withExp), "utf8").toString("base64url");
}

/**
 * Reads the flow cookie back; null when missing, malformed, expired, or when `returnedState`
 * (the callback's ?state=) does not match — the callback then refuses the sign-in.
 */
export function decodeOidcFlow(value: string | undefined, returnedState: string | null, now: Date = new Date()): OidcFlow | null {
  if (!value || value.length > 4000) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = ZFlow.safeParse(raw);
  if (!parsed.success) return null;
  if (parsed.data.exp < Math.floor(now.getTime() / 1000)) return null;
  if (!returnedState || returnedState !== parsed.data.state) return null;
  return parsed.data;
}
