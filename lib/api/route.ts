import "server-only";
import type { z } from "zod";
import { getDb, type Db } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/error-response";
import { readBodyText, readJsonBody } from "@/lib/api/read-json-body";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { authenticateRequest } from "@/lib/auth/authenticate-request";
import type { Action } from "@/lib/auth/permissions";
import { assertAllowed } from "@/lib/auth/assert-allowed";

/** What every guarded handler is handed: the store, who is asking (already allowed), the route's params and its parsed body. */
export interface RouteContext<P, B> {
  req: Request;
  db: Db;
  actor: Actor;
  params: P;
  body: B;
}

/** How Next.js calls a route handler (and how tests call it). */
export type RouteHandler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

/** Where a route's body comes from: a zod schema, parsed from JSON read within the body limit. */
export interface BodySpec<S extends z.ZodType> {
  schema: S;
  /** An empty body is parsed as `{}` (routes whose every field is optional, e.g. a reason). */
  emptyIsObject?: boolean;
}

/**
 * Every API route's one shape. The request is authenticated (session or token) and checked
 * against the permission table for `action` before anything else — an anonymous or refused
 * request never has its body read; then the body, if the route takes one, is read within
 * JSON_BODY_LIMIT and parsed by the route's own schema (a 422 names each bad field). Anything
 * thrown becomes an error response through the one mapper (errorResponse), gate verdicts included.
 */
export function route<P = Record<string, never>>(action: Action, handler: (ctx: RouteContext<P, undefined>) => Promise<Response>): RouteHandler<P>;
export function route<P, S extends z.ZodType>(action: Action, body: S | BodySpec<S>, handler: (ctx: RouteContext<P, z.output<S>>) => Promise<Response>): RouteHandler<P>;
export function route<P, S extends z.ZodType>(
  action: Action,
  bodyOrHandler: S | BodySpec<S> | ((ctx: RouteContext<P, undefined>) => Promise<Response>),
  maybeHandler?: (ctx: RouteContext<P, z.output<S>>) => Promise<Response>,
): RouteHandler<P> {
  const spec = typeof bodyOrHandler === "function" ? undefined : "schema" in bodyOrHandler ? bodyOrHandler : { schema: bodyOrHandler };
  const handler = (maybeHandler ?? bodyOrHandler) as (ctx: RouteContext<P, unknown>) => Promise<Response>;
  return async (req, ctx) => {
    try {
      const db = await getDb();
      const actor = await authenticateRequest(db, req.headers);
      if (!actor) throw new AppError("unauthenticated", "no valid session or API token", "You are not signed in, or your session has ended. Sign in (or send a valid API token) and try again.");
      assertAllowed(actor, req, action);
      const params = await (ctx?.params ?? Promise.resolve({} as P));
      const body = spec ? spec.schema.parse(await readBody(req, spec.emptyIsObject === true)) : undefined;
      return await handler({ req, db, actor, params, body });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

async function readBody(req: Request, emptyIsObject: boolean): Promise<unknown> {
  if (!emptyIsObject) return readJsonBody(req);
  const text = await readBodyText(req);
  return text.trim() ? (JSON.parse(text) as unknown) : {};
}

/** A JSON answer that no cache keeps: every API answer is someone's live state. */
export function json(value: unknown, status: number = 200): Response {
  return Response.json(value, { status, headers: { "cache-control": "no-store" } });
}
