/**
 * Cairn's one error model. An AppError carries a stable code, a message for logs and a message
 * that is safe to show a user (what is wrong, where, how to fix it). Pure: no framework imports.
 */
export type AppErrorCode =
  "bad-request" | "validation" | "unauthenticated" | "forbidden" | "not-found" | "conflict" | "gate-refused" | "locked" | "rate-limited" | "payload-too-large" | "store-locked" | "config" | "unreachable" | "internal";

const STATUS: Record<AppErrorCode, number> = {
  "bad-request": 400,
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "gate-refused": 409,
  locked: 423,
  "rate-limited": 429,
  "payload-too-large": 413,
  "store-locked": 503,
  config: 500,
  unreachable: 502,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly details?: unknown;

  constructor(code: AppErrorCode, message: string, userMessage: string = message, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.details = details;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Never let a raw message escape: anything not an AppError becomes a generic message. */
export function userMessageOf(e: unknown): string {
  return isAppError(e) ? e.userMessage : "Something went wrong on the server. The details are in Cairn's log.";
}
