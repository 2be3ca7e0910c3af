import { useAppStore } from "@/tests/auth/helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { alembic, copyFixture, MAIN_HEAD } from "@/tests/environments/support";
import { createMysqlTestDatabase, withMysql } from "@/tests/support/mysql-databases";

// The overview's data: a project with SQLite, MySQL (registered with a password) and PostgreSQL environments.
let app: Awaited<ReturnType<typeof useAppStore>> | undefined;
let project: string;
let token: string;
let my: Awaited<ReturnType<typeof createMysqlTestDatabase>>;
let GET: (req: Request, ctx: { params: Promise<{ project: string }> }) => Promise<Response>;
let stored: { name: string; urlMasked: string; urlEncrypted: string | null }[];
const keyHex = randomBytes(32).toString("hex");
const USER = `cairn_route_${process.pid}`;
const PASSWORD = "route-my-s3cret";

beforeAll(async () => {
  process.env.CAIRN_SECRET_KEY = keyHex;
  app = await useAppStore("cairn_env_route_mysql");
  project = copyFixture("cairn-route-mysql-");
  my = await createMysqlTestDatabase("route");
  await withMysql((c) => c.query(`CREATE USER ?@'%' IDENTIFIED BY ?; GRANT ALL ON \`${my.name}\`.* TO ?@'%'`, [USER, PASSWORD, USER]));
  alembic(project, ["upgrade", MAIN_HEAD], { url: "sqlite:///qa.db" });
  alembic(project, ["upgrade", "2b3c4d5e6f02"], { url: my.url });

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
  await createEnvironment(db, "shop", { name: "staging", url: `mysql+pymysql://${USER}:${PASSWORD}@127.0.0.1:3306/${my.name}?charset=utf8mb4` }, { actor, key });
  await createEnvironment(db, "shop", { name: "production", url: "postgresql://app:route-secret-pw@127.0.0.1:1/shop" }, { actor, key });
  stored = await db.environment.findMany({ select: { name: true, urlMasked: true, urlEncrypted: true }, orderBy: { position: "asc" } });
  ({ GET } = await import("@/app/api/projects/[project]/status/route"));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await my?.drop();
  await withMysql((c) => c.query("DROP USER IF EXISTS ?@'%'", [USER]));
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe("a MySQL environment registered beside SQLite and PostgreSQL", () => {
  it("is stored encrypted, shown masked", () => {
    const staging = stored.find((e) => e.name === "staging")!;
    expect(staging.urlMasked).toBe(`mysql+pymysql://${USER}:****@127.0.0.1:3306/${my.name}?charset=utf8mb4`);
    expect(staging.urlEncrypted).not.toBeNull();
    expect(staging.urlEncrypted).not.toContain(PASSWORD);
  });

  it("the status the overview polls reads all three, without credentials", async () => {
    const res = await GET(new Request("http://localhost/api/projects/shop/status", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ project: "shop" }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.environments.map((e: { name: string; state: string }) => [e.name, e.state])).toEqual([
      ["qa", "behind"],
      ["staging", "behind"],
      ["production", "unreachable"],
    ]);
    expect(body.environments[1]).toMatchObject({ revisions: ["2b3c4d5e6f02"], versionNumWidth: 32 });
    const text = JSON.stringify(body);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/urlEncrypted|mysql\+pymysql:/);
  });
});
