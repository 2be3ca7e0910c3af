import "server-only";
import { errorResponse } from "@/lib/api/error-response";
import { isAppError } from "@/lib/errors";

/**
 * errorResponse, plus the gate verdicts on a refusal: a 409 `gate-refused` carries every gate so
 * the dialog (or the CLI) can show each reason and what would unblock it.
 */
export function runErrorResponse(e: unknown): Response {
  if (isAppError(e) && e.code === "gate-refused") {
    const gates = (e.details as { gates?: unknown } | undefined)?.gates ?? [];
    return Response.json({ error: { code: e.code, message: e.userMessage }, gates }, { status: 409, headers: { "cache-control": "no-store" } });
  }
  return errorResponse(e);
}
