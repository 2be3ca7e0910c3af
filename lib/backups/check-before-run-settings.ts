import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { readBeforeRunIntent } from "@/lib/backups/read-before-run-intent";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";

/**
 * Start-up's banner lines for every environment whose beforeRun cannot work as configured (no
 * CAIRN_BACKUP_DIR, a directory Cairn may not write, pg_dump or mysqldump missing, the command not
 * found) — so the operator learns it when Cairn starts, not when a release is half approved.
 */
export async function checkBeforeRunSettings(db: PrismaClient, opts: { key?: Buffer; backupDir?: string | null } = {}): Promise<string[]> {
  const envs = await db.environment.findMany({ where: { NOT: { beforeRun: { equals: Prisma.DbNull } } }, include: { project: { select: { name: true, alembicPath: true } } }, orderBy: [{ projectId: "asc" }, { position: "asc" }] });
  const problems: string[] = [];
  for (const env of envs) {
    const url = resolveEnvironmentUrl(env, { key: opts.key });
    // An unusable URL is reported where the environment is shown; the backup check needs the database's kind only.
    if (!url.ok) continue;
    const target = path.resolve(env.project.alembicPath);
    const cwd = fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : path.dirname(target);
    const intent = await readBeforeRunIntent(env, { project: env.project.name, databaseUrl: url.url, cwd, backupDir: opts.backupDir });
    if (intent?.problem) problems.push(`Runs on ${env.project.name}/${env.name} are blocked until this is fixed: ${intent.problem}`);
  }
  return problems;
}
