/**
 * Messages for a failed single sign-on, by code. The callback redirects to /login?sso_error=CODE
 * and the page shows only these texts, so a crafted link cannot put words on Cairn's login page.
 */
export const SSO_ERRORS = {
  "not-configured": "Single sign-on is not configured. Sign in with your e-mail and password.",
  refused: "The identity provider refused the sign-in. Try again, or ask an admin.",
  expired: "The single sign-on attempt expired or did not start here. Start again.",
  failed: "Single sign-on did not complete. Try again; if it keeps failing, ask an admin to check Cairn's log.",
  "no-email": "The identity provider did not share a verified e-mail address. Ask an admin to allow the email scope.",
  conflict: "Your e-mail is already linked to another single sign-on identity. Ask an admin.",
  disabled: "Your Cairn account is disabled. Ask an admin.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export function ssoErrorMessage(code: string | undefined | null): string | undefined {
  return code && Object.hasOwn(SSO_ERRORS, code) ? SSO_ERRORS[code as SsoErrorCode] : undefined;
}
