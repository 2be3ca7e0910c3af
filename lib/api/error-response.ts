import "server-only";
import { z } from "zod";
import { AppError, isAppError, userMessageOf } from "@/lib/errors";

/** The JSON body of every error Cairn's API returns. */
export type ApiErrorBody = {
  error: {
    code: string;
    message: string;
    /** For validation errors: which field, and what is wrong with it. */
    issues?: { path: string; message: string }[];
  };
  /** For a refused run: every gate's verdict and what would unblock it. */
  gates?: unknown[];
};

function json(status: number, body: ApiErrorBody, headers?: Record<string, string>): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** Field issues of a zod error as `{ path: "environments.0.name", message }`. */
export function zodIssues(e: z.core.$ZodError): { path: string; message: string }[] {
  return e.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

function prismaCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === "PrismaClientKnownRequestError" && typeof code === "string" ? code : undefined;
}

/**
 * The one mapper from a thrown value to an HTTP response:
 * zod error → 422 with field issues; a gate refusal → 409 with every gate's verdict; AppError → its status, code and user message;
 * Prisma "record not found" (P2025) → 404; unique violation (P2002) → 409;
 * an unparsable JSON body → 400; anything else → logged, generic 500.
 * Never sends a raw e.message or a stack.
 */
export function errorResponse(e: unknown): Response {
  if (e instanceof z.core.$ZodError) {
    const issues = zodIssues(e);
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    return json(422, { error: { code: "validation", message: `The request is invalid — ${summary}.`, issues } });
  }
  if (isAppError(e) && e.code === "gate-refused") {
    // A refused run carries every gate's verdict, so the dialog (or the CLI) shows each reason and what would unblock it.
    const gates = (e.details as { gates?: unknown[] } | undefined)?.gates;
    return json(409, { error: { code: e.code, message: e.userMessage }, ...(gates ? { gates } : {}) });
  }
  if (isAppError(e)) {
    const headers: Record<string, string> = e.code === "unauthenticated" ? { "www-authenticate": 'Bearer realm="cairn"' } : {};
    // A slowed-down client is told when to come back (RFC 9110 Retry-After, in seconds).
    const retryAfter = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (e.code === "rate-limited" && typeof retryAfter === "number") headers["retry-after"] = String(retryAfter);
    return json(e.status, { error: { code: e.code, message: e.userMessage } }, headers);
  }
  const code = prismaCode(e);
  if (code === "P2025") return json(404, { error: { code: "not-found", message: "The record was not found. It may have been deleted; reload and try again." } });
  if (code === "P2002") return json(409, { error: { code: "conflict", message: "A record with the same unique value already exists. Choose another name or e-mail." } });
  if (e instanceof SyntaxError && /JSON/i.test(e.message)) {
    return json(400, { error: { code: "bad-request", message: "The request body is not valid JSON. Send a JSON object with Content-Type: application/json." } });
  }
  console.error("[cairn] unexpected error in API route:", e);
  return json(500, { error: { code: "internal", message: userMessageOf(e) } });
}

/** The message a server action returns for a thrown value (same rules as errorResponse, as a string). */
export function errorMessage(e: unknown): string {
  if (e instanceof z.core.$ZodError)
    return `Please correct the form — ${zodIssues(e)
      .map((i) => `${i.path}: ${i.message}`)
      .join("; ")}.`;
  if (isAppError(e)) return e.userMessage;
  const code = prismaCode(e);
  if (code === "P2025") return "The record was not found. It may have been deleted; reload and try again.";
  if (code === "P2002") return "A record with the same unique value already exists. Choose another name or e-mail.";
  console.error("[cairn] unexpected error in server action:", e);
  return userMessageOf(e);
}

export { AppError };
