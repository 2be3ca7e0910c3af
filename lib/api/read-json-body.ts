import { AppError } from "@/lib/errors";

/** The largest JSON body a route reads unless it names another limit. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Sign-in needs an e-mail and a password, nothing more. */
export const SIGN_IN_BODY_LIMIT = 16 * 1024;

function describe(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
}

function tooLarge(limit: number, detail: string): AppError {
  return new AppError("payload-too-large", `request body ${detail} exceeds ${limit} bytes`, `The request body is larger than ${describe(limit)}, the most this endpoint accepts. Send only the fields it needs.`);
}

/**
 * Reads a request body as text, refusing (413 Payload Too Large) anything over `limit` bytes
 * before it is in memory: a declared Content-Length over the limit is refused without reading a
 * byte, and the stream is counted as it arrives — a chunked body has no length to check — and
 * cancelled the moment it passes the limit. `req.json()`/`req.text()` would buffer whatever the
 * client sends (two 300 MB sign-ins tripled the server's memory).
 */
export async function readBodyText(req: Request, limit: number = JSON_BODY_LIMIT): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit, `of declared length ${declared}`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit, "streamed");
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * The request's JSON body, read within `limit` bytes (see readBodyText). An empty or unparsable
 * body throws a SyntaxError, which errorResponse answers with 400 as it did for `req.json()`.
 * Every route that reads a body uses this instead of `req.json()`.
 */
export async function readJsonBody(req: Request, limit: number = JSON_BODY_LIMIT): Promise<unknown> {
  return JSON.parse(await readBodyText(req, limit)) as unknown;
}
