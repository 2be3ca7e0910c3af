import type { Role } from "@/lib/generated/prisma/enums";
import { hasRole, type Actor } from "@/lib/auth/actor";
import type { TokenScope } from "@/lib/auth/token-scopes";

/** What one action needs: the roles allowed (admin passes every list) and the token scope, if tokens may do it at all. */
export type Permission = {
  roles: readonly Role[] | "any";
  /** The scope an API token needs for this action; null: tokens are refused (people only). */
  scope: TokenScope | null;
  /** Said in refusals: "may not <what>". */
  what: string;
};

/**
 * The one permission table (house style, habit 10). Route handlers (route(), lib/api/route.ts) and pages
 * (requirePageActor, can) both ask it, so a page never shows what the API would refuse. Admin passes every role list (see hasRole); scopes only ever narrow a token.
 */
export const PERMISSIONS = {
  /** Read projects, environments, revisions, graphs, drift, runs and their logs. */
  "status.read": { roles: "any", scope: "status:read", what: "read status" },
  /** Read the audit trail (and export it). */
  "audit.read": { roles: "any", scope: "status:read", what: "read the audit trail" },
  /** Who am I — for the CLI and the UI. */
  "auth.me": { roles: "any", scope: "status:read", what: "read who is signed in" },
  /** Plan and request upgrades, downgrades and promotions. */
  "runs.request": { roles: ["release_manager"], scope: "runs:request", what: "request runs" },
  /** Rehearse a planned run on a throwaway copy of its environment (the target is only read). QA may too: rehearsing changes nothing. */
  "runs.rehearse": { roles: ["qa", "release_manager"], scope: "runs:request", what: "rehearse runs" },
  /** Approve or reject a run awaiting approval (the environment's approver list still applies). */
  "runs.approve": { roles: ["release_manager"], scope: "runs:approve", what: "approve or reject runs" },
  /**
   * Set an environment's version table to chosen revisions without running migrations (alembic stamp), with the typed
   * name and a written reason. People only: it rewrites what Cairn believes is applied with no second person, so no
   * automation token may do it (a runs:request token still can't).
   */
  "runs.stamp": { roles: ["release_manager"], scope: null, what: "stamp environments" },
  /** Release a run whose Cairn instance is gone and whose Alembic no longer holds the database, with a written reason. */
  "runs.release": { roles: ["admin"], scope: null, what: "release stale runs" },
  /** Record and revoke QA sign-offs. */
  "signoffs.write": { roles: ["qa"], scope: "signoffs:write", what: "record or revoke sign-offs" },
  /** Take a schema baseline of an environment where it accepts no drift on a protected environment (see drift.accept). */
  "drift.baseline": { roles: ["release_manager"], scope: null, what: "take schema baselines" },
  /** Record a baseline on top of drift on a protected environment: an override of the drift gate, with a written reason (audited with the differences). */
  "drift.accept": { roles: ["admin"], scope: null, what: "accept schema drift on a protected environment" },
  /** Read an environment's schema now ("Read now") instead of waiting for the background: it loads the target database, so viewers wait. */
  "drift.read": { roles: ["qa", "release_manager"], scope: null, what: "read schemas on demand" },
  /** Run `alembic check` against an environment. */
  "alembic.check": { roles: ["qa", "release_manager"], scope: null, what: "run alembic check" },
  /**
   * Acknowledge (or revoke the acknowledgement of) an error-level lint finding so that it no longer blocks a protected
   * environment, with a written reason, for the migration file's current bytes. People only: an override of a gate.
   */
  "lint.acknowledge": { roles: ["admin"], scope: null, what: "acknowledge lint findings" },
  /** Register, change and remove projects and environments; test an environment's connection. */
  "projects.manage": { roles: ["admin"], scope: null, what: "manage projects and environments" },
  /**
   * Add, test and remove a project's webhooks, and read their delivery log. Admins only, never a token: a webhook
   * sends the project's events to a URL of the admin's choosing, and the log names its receivers.
   */
  "webhooks.manage": { roles: ["admin"], scope: null, what: "manage webhooks" },
  /** List, create and change users. Never through a token: a status:read token must not list people. */
  "admin.users": { roles: ["admin"], scope: null, what: "manage users" },
  /** List every API token and revoke any. Never through a token. */
  "admin.tokens": { roles: ["admin"], scope: null, what: "manage everyone's API tokens" },
  /** Create, list and revoke one's own API tokens. People only: a token never mints tokens. */
  "tokens.own": { roles: "any", scope: null, what: "manage your API tokens" },
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

export function isAction(v: unknown): v is Action {
  return typeof v === "string" && Object.hasOwn(PERMISSIONS, v);
}

/** Why an actor may not do an action, or null when it may. */
export type Refusal = { reason: "scope" | "token-not-allowed" | "role"; permission: Permission };

/** The table's verdict for one actor and action: null when allowed. Pure. */
export function refusalOf(actor: Pick<Actor, "kind" | "role" | "scopes">, action: Action): Refusal | null {
  const permission: Permission = PERMISSIONS[action];
  if (actor.kind === "token") {
    if (!permission.scope) return { reason: "token-not-allowed", permission };
    if (!actor.scopes?.includes(permission.scope)) return { reason: "scope", permission };
  }
  if (!hasRole(actor, permission.roles)) return { reason: "role", permission };
  return null;
}

/** May this actor do this action? The question pages ask to show or hide a control. Pure. */
export function can(actor: Pick<Actor, "kind" | "role" | "scopes"> | null | undefined, action: Action): boolean {
  return !!actor && refusalOf(actor, action) === null;
}
