import { useAppStore } from "@/tests/auth/helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { alembic, copyFixture, MAIN_HEAD } from "@/tests/environments/support";

// The route reads the store through getDb(), configured from the environment before first use.
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let project: string;
let token: string;
let GET: (req: Request, ctx: { params: Promise<{ project: string }> }) => Promise<Response>;
const keyHex = randomBytes(32).toString("hex");

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = keyHex;
  app = await useAppStore("cairn_env_route");
  project = copyFixture("cairn-route-");
  alembic(project, ["upgrade", MAIN_HEAD], { url: "sqlite:///qa.db" });

  const { getDb } = await import("@/lib/db/client");
  const { createUser } = await import("@/lib/auth/create-user");
  const { createApiToken } = await import("@/lib/auth/manage-api-tokens");
  const { createProject } = await import("@/lib/projects/create-project");
  const { createEnvironment } = await import("@/lib/projects/create-environment");
  const db = await getDb();
  const user = await createUser(db, { email: "viewer@example.com", password: "correct-horse-battery", role: "viewer" });
  const actor = { kind: "user" as const, userId: user.id, email: user.email, name: user.name, role: user.role };
  token = (await createApiToken(db, actor, { name: "poll", scopes: ["status:read"] })).token;
  await createProject(db, { name: "shop", alembicPath: path.join(project, "alembic.ini") }, actor);
  const key = Buffer.from(keyHex, "hex");
  await createEnvironment(db, "shop", { name: "qa", url: "sqlite:///qa.db" }, { actor, key });
  await createEnvironment(db, "shop", { name: "production", url: "postgresql://app:route-secret-pw@127.0.0.1:1/shop" }, { actor, key });
  ({ GET } = await import("@/app/api/projects/[project]/status/route"));
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const call = (name: string, headers: Record<string, string> = {}) => GET(new Request(`http://localhost/api/projects/${name}/status`, { headers }), { params: Promise.resolve({ project: name }) });

describe("GET /api/projects/:project/status", () => {
  it("refuses anonymous callers", async () => {
    const res = await call("shop");
    expect(res.status).toBe(401);
  });

  it("returns the project's status to any signed-in actor, without credentials", async () => {
    const res = await call("shop", { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.name).toBe("shop");
    expect(body.environments.map((e: { name: string; state: string }) => [e.name, e.state])).toEqual([
      ["qa", "behind"],
      ["production", "unreachable"],
    ]);
    expect(body.environments[1].error).toMatch(/^connection refused/);
    const text = JSON.stringify(body);
    expect(text).not.toContain("route-secret-pw");
    expect(text).not.toMatch(/urlEncrypted|sqlite:|postgresql:/);
  });

  it("answers 404 for an unknown project", async () => {
    const res = await call("nope", { authorization: `Bearer ${token}` });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not-found");
  });
});
