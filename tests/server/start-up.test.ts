import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useAppStore } from "@/tests/auth/helpers";
import { register } from "@/instrumentation";
import { stopJobQueue } from "@/lib/jobs/job-queue";

// Opening the store only opens it; Cairn's start-up (bootstrap admin, config projects, run
// recovery, the job queue and its sweeps) runs once per process from instrumentation.ts's register().
const ADMIN = "start-up-admin@example.com";
const store = globalThis as unknown as { __cairnStore?: unknown };
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;

beforeAll(() => {
  delete process.env.CAIRN_CONFIG;
  process.env.CAIRN_ADMIN_EMAIL = ADMIN;
  process.env.CAIRN_ADMIN_PASSWORD = "a long enough start-up password";
});
afterAll(async () => {
  delete process.env.CAIRN_ADMIN_EMAIL;
  delete process.env.CAIRN_ADMIN_PASSWORD;
  await stopJobQueue(); // register() started it on the test's store
  await app?.close();
});

describe("start-up", () => {
  it("does nothing while `next build` collects pages, nor outside the Node.js runtime", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    process.env.NEXT_PHASE = "phase-production-build";
    await register();
    delete process.env.NEXT_PHASE;
    process.env.NEXT_RUNTIME = "edge";
    await register();
    expect(store.__cairnStore).toBeUndefined();
  });

  it("is not a side effect of opening the store", async () => {
    app = await useAppStore("cairn_startup");
    expect(await app.db.user.count()).toBe(0);
  });

  it("runs once from register(), however often it is called", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    await Promise.all([register(), register()]);
    await register();
    expect(await app!.db.user.findMany({ select: { email: true, role: true } })).toEqual([{ email: ADMIN, role: "admin" }]);
    expect(await app!.db.auditEvent.count({ where: { action: "user.create", actor: "bootstrap" } })).toBe(1);
  });
});
