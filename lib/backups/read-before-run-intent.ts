import "server-only";
import { checkBeforeRun, describeBeforeRun } from "@/lib/backups/run-backup";
import { asBeforeRun, type BeforeRunIntent } from "@/lib/backups/types";
import { serverEnv } from "@/lib/config/server-env";

/**
 * What runs before a run on this environment, and what is wrong with it now (the backup gate's fact,
 * the dialog's "the backup will go to …"); null when its beforeRun is empty or the run is a stamp.
 */
export async function readBeforeRunIntent(env: { name: string; beforeRun: unknown }, c: { project: string; databaseUrl: string; cwd: string; backupDir?: string | null }): Promise<BeforeRunIntent | null> {
  const b = asBeforeRun(env.beforeRun);
  if (!b) return null;
  const ctx = { project: c.project, environment: env.name, databaseUrl: c.databaseUrl, cwd: c.cwd, backupDir: c.backupDir !== undefined ? c.backupDir : (serverEnv().CAIRN_BACKUP_DIR ?? null) };
  return { ...describeBeforeRun(b, ctx), problem: await checkBeforeRun(b, ctx) };
}
