import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { warmPageModules } from "@/lib/server/warm-page-modules";

// A stand-in for `next start`: records what the warm-up asks for, and answers as a page without a session does.
const asked: string[] = [];
let hang = false;
const server = http.createServer((req, res) => {
  asked.push(`${req.method} ${req.url} ${req.headers.cookie ?? "no cookie"}`);
  if (hang && req.url === "/") return; // a page that never answers (a store that does not)
  res.writeHead(307, { location: "/login" }).end("redirecting");
});
const saved = { NODE_ENV: process.env.NODE_ENV, origin: process.env.__NEXT_PRIVATE_ORIGIN, PORT: process.env.PORT };
const env = process.env as Record<string, string | undefined>;

async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterEach(() => {
  asked.length = 0;
  hang = false;
  for (const [k, v] of Object.entries({ NODE_ENV: saved.NODE_ENV, __NEXT_PRIVATE_ORIGIN: saved.origin, PORT: saved.PORT })) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("warmPageModules", () => {
  it("asks the server it runs in for the overview and the graph page once, in turn, without a session", async () => {
    env.NODE_ENV = "production";
    env.__NEXT_PRIVATE_ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    warmPageModules();
    expect(asked).toEqual([]); // on a later turn: the server answers only once start-up is done
    await settle();
    expect(asked).toEqual(["GET / no cookie", "GET /projects/-/graph no cookie"]);
  });

  it("finds the server by PORT when next start did not say its origin", async () => {
    env.NODE_ENV = "production";
    delete env.__NEXT_PRIVATE_ORIGIN;
    env.PORT = String((server.address() as AddressInfo).port);
    warmPageModules();
    await settle();
    expect(asked).toHaveLength(2);
  });

  it("does nothing in development (next dev compiles pages on demand), and survives a server that is not there", async () => {
    env.NODE_ENV = "development";
    env.__NEXT_PRIVATE_ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    warmPageModules();
    await settle();
    expect(asked).toEqual([]);
    env.NODE_ENV = "production";
    env.__NEXT_PRIVATE_ORIGIN = "http://127.0.0.1:9"; // discard: nothing listens
    warmPageModules();
    await settle();
    expect(asked).toEqual([]);
  });

  it("gives up on a page that does not answer and goes on; an origin it cannot ask is no error", async () => {
    env.NODE_ENV = "production";
    env.__NEXT_PRIVATE_ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    hang = true;
    warmPageModules({ timeoutMs: 200 });
    await settle(100);
    expect(asked).toEqual(["GET / no cookie"]);
    await settle(400);
    expect(asked).toEqual(["GET / no cookie", "GET /projects/-/graph no cookie"]);
    // node:http throws at once for https: (and new URL for a malformed origin): thrown in a timer, it would be uncaught.
    for (const origin of ["https://127.0.0.1:1", "not a url"]) {
      env.__NEXT_PRIVATE_ORIGIN = origin;
      warmPageModules();
    }
    await settle();
  });
});
