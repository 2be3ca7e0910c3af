import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { serverEnv } from "@/lib/config/server-env";
import { userMessageOf } from "@/lib/errors";
import { loadCairnConfig } from "@/lib/config/cairn-config";
import { ensureBootstrapAdmin } from "@/lib/auth/ensure-bootstrap-admin";
import { createUser } from "@/lib/auth/create-user";
import { syncConfigProjects } from "@/lib/projects/sync-config-projects";
import { appSecretKey } from "@/lib/server/secret-key";
import { recoverOnStart } from "@/lib/runs/recover-on-start";

/** cairn.config.json: CAIRN_CONFIG, else ./cairn.config.json when present. */
export function configFilePath(): string | undefined {
  const env = serverEnv();
  if (env.CAIRN_CONFIG) return path.resolve(env.CAIRN_CONFIG);
  const local = path.resolve("cairn.config.json");
  return fs.existsSync(local) ? local : undefined;
}

/** The demo's accounts, one per role (two release managers, for the two-person rule). Demo only. */
export const DEMO_USERS = [
  { email: "admin@cairn.local", role: "admin", name: "Ada Admin" },
  { email: "qa@cairn.local", role: "qa", name: "Quinn QA" },
  { email: "alice@cairn.local", role: "release_manager", name: "Alice Release" },
  { email: "bob@cairn.local", role: "release_manager", name: "Bob Release" },
  { email: "viewer@cairn.local", role: "viewer", name: "Vera Viewer" },
] as const;

async function seedDemoUsers(db: PrismaClient, password: string): Promise<void> {
  for (const u of DEMO_USERS) {
    if (await db.user.findUnique({ where: { email: u.email } })) continue;
    await createUser(db, { email: u.email, password, role: u.role, name: u.name });
  }
}

const state = globalThis as unknown as { __cairnStartUpProblems?: string[] };

/** Problems found at start-up (a bad cairn.config.json, …), shown as a banner on every page. */
export function startUpProblems(): string[] {
  return state.__cairnStartUpProblems ?? [];
}

/**
 * Runs once per process, right after the store opens: bootstrap admin, demo accounts, projects
 * declared in cairn.config.json. A bad config file is reported, not fatal: the dashboard still
 * starts and shows the message.
 */
export async function runStartUpTasks(db: PrismaClient): Promise<void> {
  const problems: string[] = [];
  await ensureBootstrapAdmin(db);
  if (process.env.CAIRN_DEMO === "1") await seedDemoUsers(db, process.env.CAIRN_DEMO_PASSWORD ?? "cairn-demo-password");
  const file = configFilePath();
  if (file) {
    try {
      await syncConfigProjects(db, loadCairnConfig(file), { key: appSecretKey() });
    } catch (e) {
      console.error(`start-up: ${file} was not applied`, e);
      problems.push(`${path.basename(file)} was not applied: ${userMessageOf(e)}`);
    }
  }
  // Runs left "running" by an instance that died are marked interrupted and their locks released.
  await recoverOnStart(db);
  state.__cairnStartUpProblems = problems;
}
