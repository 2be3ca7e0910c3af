import type { FieldErrors } from "@/components/projects/form-values";
import { fieldErrorsOf } from "@/components/projects/form-values";

/** A refused API call: the server's user message, and its field errors when the input was invalid (422). */
export class ProjectsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

/** Calls /api/projects… from the browser; resolves to the body or rejects with a ProjectsApiError. */
export async function callProjectsApi<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string; issues?: { path: string; message: string }[] } }) | null;
  if (!res.ok) {
    const issues = data?.error?.issues ?? [];
    throw new ProjectsApiError(
      issues.length ? "Please correct the highlighted fields." : (data?.error?.message ?? `The server answered ${res.status}. Reload and try again.`),
      res.status,
      fieldErrorsOf(issues),
    );
  }
  return data as T;
}
