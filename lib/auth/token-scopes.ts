import { z } from "zod";

/**
 * What an API token may do. A token acts as its creator, with their role, further limited to these
 * scopes. Which action needs which scope is in the permission table (lib/auth/permissions.ts).
 */
export const TOKEN_SCOPES = {
  "status:read": "Read projects, environments, revisions and runs",
  "runs:request": "Request upgrades, downgrades and promotions",
  "runs:approve": "Approve or reject runs awaiting approval",
  "signoffs:write": "Record and revoke QA sign-offs",
} as const;

export type TokenScope = keyof typeof TOKEN_SCOPES;

export const ZTokenScope = z.enum(Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]], {
  error: `must be one of ${Object.keys(TOKEN_SCOPES).join(", ")}`,
});
