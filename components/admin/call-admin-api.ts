/** Calls Cairn's JSON admin API from the browser; resolves to the body or rejects with the server's user message. */
export async function callAdminApi<T>(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string; issues?: { path: string; message: string }[] } }) | null;
  if (!res.ok) {
    const issues = data?.error?.issues?.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new Error(issues ? `${data?.error?.message ?? "Invalid input"}` : (data?.error?.message ?? `The server answered ${res.status}. Reload and try again.`));
  }
  return data as T;
}
