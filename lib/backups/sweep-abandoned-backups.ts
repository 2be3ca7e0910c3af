import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { BACKUP_RUN_ENV, PARTIAL_BACKUP_NAME } from "@/lib/backups/run-backup";

export interface SweptBackups {
  /** Backup processes (pg_dump, mysqldump) stopped because their run is over. */
  stopped: { pid: number; runId: string }[];
  /** Half-written files (`….partial`) deleted because their run is over. */
  removed: string[];
}

/**
 * What a Cairn that died mid-backup leaves behind, cleared once its run is settled (not `running`):
 * the dump process (started in its own process group, it outlives a `kill -9` of Cairn and would
 * finish writing a file nobody renames, holding its locks on the database meanwhile) is stopped, and
 * `.partial` files under CAIRN_BACKUP_DIR are deleted. A live backup is never touched: its run is
 * `running` until runBackup has returned; nor is anything of a run this store does not know (another
 * Cairn on the same host or directory). Processes are found by the CAIRN_BACKUP_RUN_ID runBackup puts
 * in their environment (Linux /proc; elsewhere only files are swept), on this host only.
 * Called by the run sweep after it settles stale runs. Never throws.
 */
export async function sweepAbandonedBackups(db: PrismaClient, o: { backupDir: string | null }): Promise<SweptBackups> {
  const swept: SweptBackups = { stopped: [], removed: [] };
  try {
    const processes = backupProcesses();
    const over = await settledRunIds(
      db,
      processes.map((p) => p.runId),
    );
    for (const p of processes) {
      if (!over.has(p.runId)) continue;
      await stopProcess(p.pid);
      swept.stopped.push(p);
    }
    if (o.backupDir) {
      for (const file of partialFiles(o.backupDir)) {
        // The file names its run by the first 8 hex digits of its id.
        const tag = PARTIAL_BACKUP_NAME.exec(path.basename(file))![1]!;
        const runs = await db.run.findMany({ where: { id: { startsWith: tag } }, select: { status: true } });
        if (runs.length === 0 || runs.some((r) => r.status === "running")) continue;
        fs.rmSync(file, { force: true });
        swept.removed.push(file);
      }
    }
  } catch (e) {
    console.error("[cairn] sweeping abandoned backups failed:", e instanceof Error ? e.message : String(e));
  }
  for (const p of swept.stopped) console.warn(`[cairn] stopped backup process ${p.pid}: its run ${p.runId} is no longer running (its Cairn instance stopped mid-backup)`);
  for (const f of swept.removed) console.warn(`[cairn] deleted ${f}: a backup left half-written when its Cairn instance stopped`);
  return swept;
}

/** Of these run ids, those this store knows and that are no longer running (an unknown id is another Cairn's: left alone). */
async function settledRunIds(db: PrismaClient, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.run.findMany({ where: { id: { in: [...new Set(ids)] }, status: { not: "running" } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/** This host's processes carrying CAIRN_BACKUP_RUN_ID (and readable by Cairn's user): the dumps runBackup started. */
function backupProcesses(): { pid: number; runId: string }[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const found: { pid: number; runId: string }[] = [];
  const prefix = `${BACKUP_RUN_ENV}=`;
  for (const d of entries) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${d}/environ`, "utf8");
    } catch {
      continue; // gone, or another user's
    }
    const v = environ.split("\0").find((kv) => kv.startsWith(prefix));
    if (v && isRunning(pid)) found.push({ pid, runId: v.slice(prefix.length) });
  }
  return found;
}

/** Alive and not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …" — the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** SIGTERM, then SIGKILL if it is still there after 5 s. */
async function stopProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!isRunning(pid)) return;
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}

/** CAIRN_BACKUP_DIR/<project>/<environment>/*.partial (Cairn's own naming only). */
function partialFiles(backupDir: string): string[] {
  const files: string[] = [];
  const dirs = (dir: string) => {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(dir, e.name));
    } catch {
      return [];
    }
  };
  for (const project of dirs(path.resolve(backupDir))) {
    for (const env of dirs(project)) {
      try {
        for (const f of fs.readdirSync(env)) if (PARTIAL_BACKUP_NAME.test(f)) files.push(path.join(env, f));
      } catch {
        // unreadable: nothing to sweep there
      }
    }
  }
  return files;
}
