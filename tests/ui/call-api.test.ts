import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, callApi } from "@/components/ui/call-api";
import { formErrorsOf } from "@/components/projects/form-values";

// A real HTTP server answering as Cairn's error mapper does (lib/api/error-response.ts).
const ANSWERS: Record<string, { status: number; body: string }> = {
  "/ok": { status: 200, body: JSON.stringify({ id: "p1" }) },
  "/invalid": {
    status: 422,
    body: JSON.stringify({
      error: {
        code: "validation",
        message: "The request is invalid — name: Required.",
        issues: [
          { path: "name", message: "Required" },
          { path: "environments.1.url", message: "Invalid URL" },
        ],
      },
    }),
  },
  "/refused": {
    status: 409,
    body: JSON.stringify({ error: { code: "gate-refused", message: "2 gates block this run." }, gates: [{ id: "sign-off", verdict: "block", title: "QA sign-off", reason: "no sign-off" }] }),
  },
  "/broken": { status: 502, body: "<html>bad gateway</html>" },
};

let server: http.Server;
let base = "";
const seen: { method?: string; type?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, type: req.headers["content-type"], body });
      const a = ANSWERS[req.url ?? ""] ?? { status: 404, body: "{}" };
      res.writeHead(a.status, { "content-type": "application/json" }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("callApi", () => {
  it("sends JSON and resolves to the body", async () => {
    expect(await callApi("POST", `${base}/ok`, { name: "shop" })).toEqual({ id: "p1" });
    expect(seen.at(-1)).toEqual({ method: "POST", type: "application/json", body: '{"name":"shop"}' });
  });

  it("rejects a refused input with the server's words and its field issues", async () => {
    const e = await callApi("POST", `${base}/invalid`, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 422, code: "validation", message: "The request is invalid — name: Required." });
    expect((e as ApiError).issues).toHaveLength(2);
    expect(formErrorsOf(e)).toEqual({ fieldErrors: { name: ["Required"], environments: ["item 2: Invalid URL"] }, message: "Please correct the highlighted fields." });
  });

  it("carries every gate's verdict when a run is refused", async () => {
    const e = (await callApi("POST", `${base}/refused`).catch((x: unknown) => x)) as ApiError;
    expect(e).toMatchObject({ status: 409, code: "gate-refused", message: "2 gates block this run.", issues: [] });
    expect(e.gates?.map((g) => [g.id, g.verdict])).toEqual([["sign-off", "block"]]);
    expect(formErrorsOf(e)).toEqual({ fieldErrors: {}, message: "2 gates block this run." });
  });

  it("words an answer that is not Cairn's JSON without quoting it", async () => {
    const e = (await callApi("GET", `${base}/broken`).catch((x: unknown) => x)) as ApiError;
    expect(e.message).toBe("The server answered 502. Reload and try again.");
    expect(e.gates).toBeUndefined();
  });
});
