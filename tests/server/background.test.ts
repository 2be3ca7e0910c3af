import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore, type Store } from "@/lib/db/client";
import { inBackground, isBackground } from "@/lib/server/background";

// A loaded machine takes a minute to create a PGlite store: generous time limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const QUERIES = 30;

/**
 * Starts `chain` (QUERIES store queries in a row) and reports how many had finished when the event loop
 * next reached its check phase — where setImmediate runs, after it polled for I/O (a request, a health ping).
 */
async function queriesDoneWhenTheLoopTurned(chain: (count: () => void) => Promise<void>): Promise<number> {
  let done = 0;
  const running = chain(() => done++);
  const seen = await new Promise<number>((resolve) => setImmediate(() => resolve(done)));
  await running;
  expect(done).toBe(QUERIES);
  return seen;
}

describe("background work on the embedded store", () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-background-"));
    store = await openStore({ dataDir: dir });
    // Prisma's first query starts its engine (files, WebAssembly): real I/O that would turn the loop anyway.
    await store.db.$queryRaw`SELECT 1`;
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lets the event loop turn between its Prisma queries (the whole chain held it before)", async () => {
    const seen = await queriesDoneWhenTheLoopTurned((count) =>
      inBackground(async () => {
        for (let i = 0; i < QUERIES; i++) {
          await store.db.$queryRaw`SELECT 1`;
          count();
        }
      }),
    );
    expect(seen).toBeLessThan(2);
  });

  it("lets the event loop turn between the job queue's statements", async () => {
    const seen = await queriesDoneWhenTheLoopTurned((count) =>
      inBackground(async () => {
        for (let i = 0; i < QUERIES; i++) {
          await store.sql.executeSql("SELECT $1::int AS n", [i]);
          count();
        }
      }),
    );
    expect(seen).toBeLessThan(2);
  });

  it("keeps what background work starts (timers, later promises) in the background, and nothing else", async () => {
    expect(isBackground()).toBe(false);
    const inTimer = await inBackground(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(isBackground()), 1)));
    expect(inTimer).toBe(true);
    expect(isBackground()).toBe(false);
  });

  it("leaves a request's own chain of queries alone: it runs to its end without yielding", async () => {
    const seen = await queriesDoneWhenTheLoopTurned(async (count) => {
      for (let i = 0; i < QUERIES; i++) {
        await store.db.$queryRaw`SELECT 1`;
        count();
      }
    });
    expect(seen).toBe(QUERIES);
  });
});
