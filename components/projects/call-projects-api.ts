import type { FieldErrors } from "@/components/projects/form-values";
import { fieldErrorsOf } from "@/components/projects/form-values";
import { ApiError, callApi } from "@/components/ui/call-api";

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
  try {
    return await callApi<T>(method, url, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    throw new ProjectsApiError(e.issues.length ? "Please correct the highlighted fields." : e.message, e.status, fieldErrorsOf(e.issues));
  }
}
