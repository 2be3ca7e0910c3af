/** A refused API call: the server's user message, its status, and field issues when the input was invalid (422). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Calls Cairn's JSON API from the browser; resolves to the body or rejects with an ApiError carrying the server's words. */
export async function callApi<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string; issues?: { path: string; message: string }[] } }) | null;
  if (!res.ok) {
    throw new ApiError(data?.error?.message ?? `The server answered ${res.status}. Reload and try again.`, res.status, data?.error?.issues ?? []);
  }
  return data as T;
}
