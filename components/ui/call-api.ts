import type { GateResult } from "@/lib/gates/types";

/** One field's problem in a refused input (422), as the server's zod schema named it. */
export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * A refused API call: the server's user message and status, its error code, the field issues when the
 * input was invalid (422), and every gate's verdict when a run was refused (409 gate-refused).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: ApiIssue[] = [],
    readonly code?: string,
    readonly gates?: GateResult[],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type ErrorBody = { error?: { code?: string; message?: string; issues?: ApiIssue[] }; gates?: GateResult[] };

/**
 * Calls Cairn's JSON API from the browser; resolves to the body or rejects with an ApiError carrying the server's words.
 * `signal` is TanStack Query's: a query whose inputs changed aborts the request it no longer needs.
 */
export async function callApi<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown, o: { signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    signal: o.signal,
    cache: "no-store",
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (T & ErrorBody) | null;
  if (!res.ok) {
    throw new ApiError(data?.error?.message ?? `The server answered ${res.status}. Reload and try again.`, res.status, data?.error?.issues ?? [], data?.error?.code, data?.gates);
  }
  return data as T;
}
